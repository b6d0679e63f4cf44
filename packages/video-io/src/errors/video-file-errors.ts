import { markerCheck, VideoIoError } from './video-io-error.js';

const notFoundMarker = Symbol.for('videoloom.error.VideoFileNotFoundError');
const notAVideoMarker = Symbol.for('videoloom.error.NotAVideoError');
const noStreamMarker = Symbol.for('videoloom.error.NoVideoStreamError');
const emptyMarker = Symbol.for('videoloom.error.EmptyVideoError');
const corruptMarker = Symbol.for('videoloom.error.CorruptVideoError');

/** The file does not exist (or is not a regular file). */
export class VideoFileNotFoundError extends VideoIoError {
  readonly [notFoundMarker] = true;
  readonly name = 'VL_VideoFileNotFoundError' as const;
  static readonly isInstance = markerCheck<VideoFileNotFoundError>(notFoundMarker);

  constructor(readonly path: string) {
    super(
      `Video file ${path} does not exist or is not a regular file. Check the path (it is resolved from the current directory).`,
    );
  }
}

/** FFprobe could not read the file as any container format (a text file, an image-less blob, a cut header). */
export class NotAVideoError extends VideoIoError {
  readonly [notAVideoMarker] = true;
  readonly name = 'VL_NotAVideoError' as const;
  static readonly isInstance = markerCheck<NotAVideoError>(notAVideoMarker);

  constructor(
    readonly path: string,
    /** What the demuxer said. */
    readonly detail: string,
  ) {
    super(
      `${path} is not a readable video container (${detail}). Expected a video file such as MP4/MKV/WebM; ` +
        'if it was copied or downloaded, check that the copy is complete.',
    );
  }
}

/** The container opened but holds no video stream (e.g. an audio-only file). */
export class NoVideoStreamError extends VideoIoError {
  readonly [noStreamMarker] = true;
  readonly name = 'VL_NoVideoStreamError' as const;
  static readonly isInstance = markerCheck<NoVideoStreamError>(noStreamMarker);

  constructor(
    readonly path: string,
    /** The codec types of the streams that are there, e.g. ['audio']. */
    readonly streamTypes: readonly string[],
  ) {
    super(
      `${path} has no video stream (streams found: ${streamTypes.length ? streamTypes.join(', ') : 'none'}). ` +
        'Expected at least one video stream; pass a video file, not an audio or data file.',
    );
  }
}

/** The video stream exists but has no frames, or frames of absurd size. */
export class EmptyVideoError extends VideoIoError {
  readonly [emptyMarker] = true;
  readonly name = 'VL_EmptyVideoError' as const;
  static readonly isInstance = markerCheck<EmptyVideoError>(emptyMarker);

  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path} has a video stream but nothing to decode: ${detail}. Re-encode or replace the file.`);
  }
}

/**
 * Decoding produced fewer frames than the stream promised, or a frame's timestamp differs from the
 * probed one: typical of a truncated or damaged file.
 */
export class CorruptVideoError extends VideoIoError {
  readonly [corruptMarker] = true;
  readonly name = 'VL_CorruptVideoError' as const;
  static readonly isInstance = markerCheck<CorruptVideoError>(corruptMarker);

  constructor(
    readonly path: string,
    /** The first frame that could not be delivered as expected, when known. */
    readonly frameIndex: number | undefined,
    readonly expected: string,
    readonly received: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${path} could not be decoded${frameIndex === undefined ? '' : ` at frame ${frameIndex}`}: expected ${expected}, ` +
        `received ${received}. The file is probably truncated or damaged; re-download or re-encode it.`,
      options,
    );
  }
}
