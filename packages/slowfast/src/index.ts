// Public API of @videoloom/slowfast.

export {
  type AnnotationSegment,
  type AnswerFormat,
  type AnswerIssue,
  AnswerParseError,
  type AnswerParseFailure,
  type AnswerParseResult,
  type CaptionEvent,
  type FrameIdOptions,
  findSegTokens,
  type HighlightClip,
  type OutOfRangePolicy,
  type ParsedFrameSpan,
  parseAnnotation,
  parseDenseCaptions,
  parseHighlights,
  parseTemporalGrounding,
  renderAnnotation,
  renderDenseCaptions,
  renderHighlights,
  renderSegmentationAnswer,
  renderTemporalGrounding,
  type SegmentationAnswer,
  type SegTokenInput,
  type SegTokenPosition,
} from './answers/index.js';
// Sequence layout (src/layout) and answer parsing (src/answers).
export {
  DEFAULT_FRAME_ID_TEXT,
  type FastFrameReduction,
  type FastFrameRun,
  frameIdTextOf,
  LayoutInputError,
  type LayoutKeyframe,
  type ResolvedLayoutConfig,
  reduceFastFrames,
  resolveLayoutConfig,
  SequenceBudgetError,
  SlowFastLayoutBuilder,
  type SlowFastLayoutConfig,
  type SlowFastLayoutInput,
  type SlowFastPrompt,
  type SlowFrameRun,
  type VisualTokenRun,
} from './layout/index.js';
// Sampling (fast frames + slow keyframes) and preprocessing to tensors.
export {
  allocateImageTensor,
  framesToImageTensor,
  type HostTensorF32,
  IMAGENET_MEAN,
  IMAGENET_STD,
  MLLM_IMAGE_SIZE,
  SAM2_IMAGE_SIZE,
  writeNormalisedFrame,
} from './preprocess/image-tensor.js';
export {
  type SlowFastTensorOptions,
  type SlowFastTensors,
  sampleSlowFastTensors,
} from './preprocess/sample-slowfast.js';
export { SamplingPolicyError } from './sampling/sampling-error.js';
export {
  type FastFramePolicy,
  MAX_FAST_FRAMES,
  resolveFastFramePolicy,
  SAMPLING_PRESETS,
  type SamplingPresetName,
  uniformFrameIndices,
} from './sampling/sampling-policy.js';
export {
  fastFrameIndices,
  planSlowFastSample,
  type SlowFastSample,
  type SlowFastSamplingOptions,
  type SlowKeyframe,
  slowKeyframes,
  type VideoTiming,
} from './sampling/slowfast-sampler.js';
export {
  type FrameIdSpan,
  FrameTimeline,
  FrameTimelineError,
  type RationalTime,
  type SampledFrame,
  type SecondsSpan,
} from './timeline/frame-timeline.js';
