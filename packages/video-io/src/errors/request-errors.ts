import { markerCheck, VideoIoError } from './video-io-error.js';

const sizeMarker = Symbol.for('videoloom.error.InvalidFrameSizeError');
const selectionMarker = Symbol.for('videoloom.error.FrameSelectionError');

/** Largest width or height accepted for decoded or written frames (8K UHD is 7680). */
export const MAX_FRAME_SIDE = 16384;

/** A requested (or stored) frame size is not a positive integer size up to MAX_FRAME_SIDE. */
export class InvalidFrameSizeError extends VideoIoError {
  readonly [sizeMarker] = true;
  readonly name = 'VL_InvalidFrameSizeError' as const;
  static readonly isInstance = markerCheck<InvalidFrameSizeError>(sizeMarker);

  constructor(
    /** The file or output the size belongs to. */
    readonly path: string,
    readonly received: string,
    readonly expected: string = `integer width and height in 1..${MAX_FRAME_SIDE}`,
  ) {
    super(`Frame size ${received} for ${path} is not usable; expected ${expected}. Ask for a smaller size.`);
  }
}

/** A requested frame index or time is outside the video, or the selection is malformed. */
export class FrameSelectionError extends VideoIoError {
  readonly [selectionMarker] = true;
  readonly name = 'VL_FrameSelectionError' as const;
  static readonly isInstance = markerCheck<FrameSelectionError>(selectionMarker);

  constructor(
    readonly path: string,
    /** The offending frame index (or time, for a time selection). */
    readonly frameIndex: number,
    readonly expected: string,
  ) {
    super(`Frame selection ${frameIndex} for ${path} is invalid; expected ${expected}.`);
  }
}
