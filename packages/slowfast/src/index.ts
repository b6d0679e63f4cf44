// Public API of @videoloom/slowfast.
export {
  type FrameIdSpan,
  FrameTimeline,
  FrameTimelineError,
  type RationalTime,
  type SampledFrame,
  type SecondsSpan,
} from './timeline/frame-timeline.js';
