// Public API of @videoloom/data.

export { annotateShot, type EncodedImage, type ShotAnnotation } from './annotation/annotate.js';
export {
  ChatClient,
  type ChatClientConfig,
  type ChatCompletion,
  type ChatContentPart,
  type ChatMessage,
  retryAfterMs,
} from './annotation/chat-client.js';
export {
  actionAnnotationPrompt,
  loomBenchQuestionPrompt,
  type ParsedQuestions,
  parseLoomBenchQuestions,
} from './annotation/prompts.js';
export {
  type FrameRangeSegment,
  readAnnotationAnswer,
  type SegmentRules,
  validateSegments,
} from './annotation/segments.js';
export {
  COLOUR_NAMES,
  ColourDescriber,
  type ColourName,
  ColourTracker,
  ContrastPersonDetector,
  colourWords,
  DescriptionMatchDetector,
  largestComponent,
} from './character/builtin.js';
export type {
  Box,
  CharacterDescriber,
  CocoRle,
  Detection,
  MaskCodec,
  MaskTracker,
  MaskTrackRequest,
  PersonDetector,
  TrackedMask,
} from './character/contracts.js';
export { cocoRleCodec } from './character/metrics-codec.js';
export {
  boxToXyxy,
  type PromptedSegmenter,
  type SegmentedFrame,
  type SegmenterRequest,
  SegmenterTracker,
  type SegmenterTrackerOptions,
  type XyxyBox,
} from './character/segmenter-tracker.js';
// LoomData pipeline (shots, stages, annotation, outputs).
export {
  AnnotationRejectedError,
  ChatRequestError,
  DataConfigError,
  DataError,
  FrameInputError,
  StageInputError,
} from './errors/index.js';
export type { DecodedFrame, FrameSource, OpenFrames, OpenFramesOptions } from './frames/frame-source.js';
export {
  drawAnnotationOverlays,
  encodeAnnotationImage,
  openFramesWithVideoIo,
} from './frames/video-io-frames.js';
export { readJson, readJsonIfExists, writeFileAtomic, writeJsonAtomic } from './pipeline/atomic.js';
export { type Histogram, histogram, renderHistogramPng, writeHistogramPng } from './pipeline/histogram.js';
export {
  type LoomDataPipelineOptions,
  type LoomDataSummary,
  runLoomDataPipeline,
  VIDEO_EXTENSIONS,
} from './pipeline/loomdata-pipeline.js';
export {
  type LoomDataConfig,
  type LoomDataModels,
  loomDataStages,
  type RgbImage,
} from './pipeline/loomdata-stages.js';
export type {
  AnnotatedSegment,
  AnnotationFile,
  CharacterFile,
  LoomDataRecord,
  MergedFile,
  MergedSegment,
  Round1Decision,
  Round2Decision,
  ShotsFile,
  ShotTracklet,
  SpanDescription,
  TrackletSource,
  VerificationDecisions,
  VerifiedFile,
} from './pipeline/loomdata-types.js';
export { formatDuration, type ProgressWriter, StageProgress } from './pipeline/progress.js';
export {
  mapWithConcurrency,
  type PipelineManifest,
  type PipelineStage,
  type RunStagesOptions,
  runStages,
  type StageOutput,
  type VideoJob,
  type VideoOutcome,
  type VideoStageStatus,
} from './pipeline/runner.js';
export {
  type ReferringVos,
  type TemporalGroundingEntry,
  toReferringVos,
  toTemporalGrounding,
} from './records/conversions.js';
export {
  ContentDetector,
  type ContentDetectorOptions,
  type FlashFilterMode,
} from './shots/content-detector.js';
export { downscaleFactor, downscaleRgb, type HsvPlanes, rgbToHsv, type SmallImage } from './shots/hsv.js';
export {
  KTS_FEATURE_SIZE,
  type KtsOptions,
  type KtsResult,
  kernelTemporalSegmentation,
  ktsFeature,
} from './shots/kts.js';
export {
  type BoundarySource,
  partitionShots,
  type Shot,
  type ShotBoundary,
  type ShotPartition,
  type ShotPartitionOptions,
} from './shots/shot-partition.js';
export { ACTION_PHRASES, ACTIONS, type Action, type Pose } from './synth/actions.js';
export {
  type Appearance,
  CHARACTER_COLORS,
  CHARACTER_PATTERNS,
  CHARACTER_SHAPES,
  CHARACTER_SIZES,
  type CharacterColor,
  type CharacterPattern,
  type CharacterShape,
  type CharacterSize,
  describeAppearance,
} from './synth/appearance.js';
export {
  type DistractorWhereQuestion,
  generateDistractorWhereQuestions,
  generateQuestions,
  type LoomBenchQuestion,
  type QuestionType,
  type SpanSeconds,
} from './synth/questions.js';
export { SeededRandom } from './synth/random.js';
export { type RenderedFrame, renderFrame, shotAt } from './synth/render.js';
export {
  type ActionSegment,
  type Background,
  DEFAULT_SYNTH_WORLD,
  generateScenario,
  poseAt,
  type ShotPlan,
  type SynthScenario,
  type SynthWorldConfig,
} from './synth/scenario.js';
export { SYNTH_SPLITS, type SynthSplit, splitSeeds, synthVideoId } from './synth/splits.js';
export { type ActionDescription, type ShotTruth, type VideoTruth, videoTruth } from './synth/truth.js';
export {
  SYNTH_GENERATOR_VERSION,
  type SynthProgressEvent,
  type SynthSplitManifest,
  type SynthVideoRecord,
  type WriteSynthSplitOptions,
  writeSynthSplit,
} from './synth/write-split.js';
export { VERIFICATION_PAGE_HTML } from './verify/page.js';
export {
  startVerificationServer,
  type VerificationServer,
  type VerificationServerOptions,
} from './verify/server.js';
