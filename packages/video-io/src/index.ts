// Public API of @videoloom/video-io.
export {
  type BinaryAttempt,
  CorruptVideoError,
  EmptyVideoError,
  FfmpegNotFoundError,
  FfmpegProcessError,
  FrameSelectionError,
  InvalidFrameSizeError,
  isVideoLoomError,
  MAX_FRAME_SIDE,
  NotAVideoError,
  NoVideoStreamError,
  VIDEOLOOM_ERROR_MARKER,
  VideoFileNotFoundError,
  VideoIoError,
} from './errors/index.js';
export { type FfmpegBinaries, resolveFfmpegBinaries } from './ffmpeg/binaries.js';
export { describeTiming, FfmpegVideoSource, type FfmpegVideoSourceOptions } from './ffmpeg-video-source.js';
export { frameIndexAtSeconds, framePts, frameTimeSeconds } from './frame-times.js';
export {
  type DrawDigitsOptions,
  type DrawTextOptions,
  drawDigits,
  drawText,
  measureDigits,
  measureText,
  type RgbColor,
  type TextBox,
} from './overlays/draw-text.js';
export { DRAWABLE_CHARACTERS, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './overlays/font-5x7.js';
export {
  drawMaskOverlay,
  type MaskOverlayOptions,
  type MaskOverlayResult,
  maskBoundary,
} from './overlays/mask-overlay.js';
export { drawFrameNumber, type NumProOptions } from './overlays/numpro.js';
export {
  drawSetOfMarks,
  type MarkInstance,
  markColor,
  type PlacedMark,
  type SetOfMarksOptions,
} from './overlays/set-of-marks.js';
export {
  formatRational,
  parseRational,
  type Rational,
  rational,
  rationalToNumber,
  ticksToRational,
} from './rational.js';
export { type PilFilter, resizeRgbLikePil } from './resize/pil-resample.js';
export type {
  DecodedFrame,
  DecodeEvent,
  DecodeOutputRequest,
  DecodeRequest,
  FrameSize,
  ResizeFilter,
  RgbFrame,
  VideoInfo,
  VideoSource,
} from './video-source.js';
export { writeAtomically } from './write/atomic-write.js';
export { decodePng, encodePng } from './write/png.js';
export {
  type WriteImageOptions,
  type WriteVideoOptions,
  writeImage,
  writeMp4,
} from './write/write-frames.js';
