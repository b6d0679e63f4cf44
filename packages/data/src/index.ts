// Public API of @videoloom/data.
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
export {
  SYNTH_GENERATOR_VERSION,
  type SynthProgressEvent,
  type SynthSplitManifest,
  type SynthVideoRecord,
  type WriteSynthSplitOptions,
  writeSynthSplit,
} from './synth/write-split.js';
