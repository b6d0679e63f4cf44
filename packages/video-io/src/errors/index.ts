export { type BinaryAttempt, FfmpegNotFoundError, FfmpegProcessError } from './ffmpeg-errors.js';
export { FrameSelectionError, InvalidFrameSizeError, MAX_FRAME_SIDE } from './request-errors.js';
export {
  CorruptVideoError,
  EmptyVideoError,
  NotAVideoError,
  NoVideoStreamError,
  VideoFileNotFoundError,
} from './video-file-errors.js';
export { isVideoLoomError, VIDEOLOOM_ERROR_MARKER, VideoIoError } from './video-io-error.js';
