// Public API of @videoloom/metrics.
export {
  InvalidMetricInputError,
  MaskFormatError,
  MetricsError,
  ScorerUnavailableError,
  VIDEOLOOM_ERROR_MARKER,
} from './errors/index.js';
export type {
  LoomBenchFile,
  LoomBenchItem,
  LoomBenchPerItem,
  LoomBenchResult,
  LoomBenchTask,
} from './loombench/loombench.js';
export {
  LOOMBENCH_FORMAT,
  LOOMBENCH_VERSION,
  parseLoomBenchFile,
  scoreLoomBench,
} from './loombench/loombench.js';
export type { BinaryMask } from './masks/binary-mask.js';
export { assertSameSize, emptyMask, maskArea, maskFromData } from './masks/binary-mask.js';
export type { LabelImage } from './masks/png-mask.js';
export { DAVIS_PALETTE, labelsToMask, readLabelPng, writeLabelPng, writeMaskPng } from './masks/png-mask.js';
export type { CocoRle } from './masks/rle.js';
export {
  decodeRle,
  encodeRle,
  maskToRunLengths,
  runLengthsToString,
  stringToRunLengths,
} from './masks/rle.js';
export { numpyMean, numpySum, pyRound, sequentialMean } from './numeric/numpy.js';
export type { BiForeScore, BiForeStatus } from './spatial/bi-fore.js';
export { aggregateBiFore, biForeFromSpans, biForeJF, foregroundSpan } from './spatial/bi-fore.js';
export {
  boundaryF,
  boundaryMap,
  boundaryScores,
  boundaryTolerance,
  dilateWithDisk,
  diskHalfWidths,
  foregroundBox,
  frameJF,
  frameScores,
  intersectionUnion,
  regionJ,
} from './spatial/davis.js';
export type { ExpressionMaskScores } from './spatial/expression-job.js';
export { scoreExpressionMasks } from './spatial/expression-job.js';
export { JfWorkerPool } from './spatial/jf-pool.js';
export { refcocoCounts, scoreRefCoco } from './spatial/refcoco.js';
export type { ExpressionFrameScores, ExpressionScore, RevosSubset } from './spatial/refvos.js';
export {
  aggregateMevis,
  aggregateRevos,
  expressionScore,
  frameAccuracy,
  scoreExpressionFrames,
} from './spatial/refvos.js';
export type { CharadesPerQuery, CharadesQuery, CharadesResult, Window } from './temporal/charades.js';
export { charadesIoU, charadesQueriesFromFiles, scoreCharades } from './temporal/charades.js';
export type { CaptionPair } from './temporal/cider.js';
export { ciderD } from './temporal/cider.js';
export type { MeteorAvailability } from './temporal/meteor.js';
export { findMeteor, METEOR_JAR_ENV, MeteorJar } from './temporal/meteor.js';
export { PTB_DROPPED_TOKENS, ptbTokenize, UnsupportedCaptionError } from './temporal/ptb-tokenizer.js';
export type {
  LengthBucket,
  QvhGtItem,
  QvhOptions,
  QvhPerQuery,
  QvhPredItem,
  QvhResult,
  SaliencyLevel,
} from './temporal/qvhighlights.js';
export {
  highlightAP,
  LENGTH_BUCKETS,
  MR_THRESHOLDS,
  parseJsonOrJsonl,
  queryDetectionAP,
  SALIENCY_LEVELS,
  scoreQvHighlights,
} from './temporal/qvhighlights.js';
export type {
  CaptionScorer,
  DvcOptions,
  DvcPerVideo,
  DvcResult,
  DvcVideo,
  Unavailable,
} from './temporal/youcook2.js';
export {
  ciderCaptionScorer,
  DVC_THRESHOLDS,
  dvcIoU,
  dvcVideosFromFiles,
  paragraphCider,
  scoreYouCook2,
  sodaDP,
  sodaForVideo,
} from './temporal/youcook2.js';
