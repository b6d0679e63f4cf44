// Public API of @videoloom/data.

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
