export {
  DEFAULT_FRAME_ID_TEXT,
  frameIdTextOf,
  type ResolvedLayoutConfig,
  resolveLayoutConfig,
  type SlowFastLayoutConfig,
} from './layout-config.js';
export { LayoutInputError, SequenceBudgetError } from './layout-errors.js';
export { reduceFastFrames } from './reduce-fast-frames.js';
export {
  type FastFrameReduction,
  type FastFrameRun,
  type LayoutKeyframe,
  SlowFastLayoutBuilder,
  type SlowFastLayoutInput,
  type SlowFastPrompt,
  type SlowFrameRun,
  type VisualTokenRun,
} from './sequence-layout.js';
