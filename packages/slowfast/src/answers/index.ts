export { type AnnotationSegment, parseAnnotation, renderAnnotation } from './annotation.js';
export { type AnswerFormat, AnswerParseError, type AnswerParseFailure } from './answer-parse-error.js';
export type {
  AnswerIssue,
  AnswerParseResult,
  FrameIdOptions,
  OutOfRangePolicy,
  ParsedFrameSpan,
} from './answer-result.js';
export { type CaptionEvent, parseDenseCaptions, renderDenseCaptions } from './dense-captioning.js';
export { type HighlightClip, parseHighlights, renderHighlights } from './highlight-detection.js';
export {
  findSegTokens,
  renderSegmentationAnswer,
  type SegmentationAnswer,
  type SegTokenInput,
  type SegTokenPosition,
} from './segmentation.js';
export { parseTemporalGrounding, renderTemporalGrounding } from './temporal-grounding.js';
