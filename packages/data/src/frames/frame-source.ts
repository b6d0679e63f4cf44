/**
 * The frames a stage reads. Decoding belongs to @videoloom/video-io; the data package only needs this
 * structural shape, so any decoder that yields it (video-io, or a test's stand-in) can feed the pipeline.
 */

/** One decoded frame. */
export interface DecodedFrame {
  /** Position of the frame in the decoded video (0-based, consecutive). */
  readonly frameIndex: number;
  /** Presentation time of the frame, from its pts. */
  readonly timeSeconds: number;
  readonly width: number;
  readonly height: number;
  /** RGB24, row-major: uint8[height, width, 3], length width * height * 3. */
  readonly rgb: Uint8Array;
}

/** Frames of one video in decoding order, in one streaming pass. */
export type FrameSource = AsyncIterable<DecodedFrame>;

/** Options a stage may ask of the decoder. */
export interface OpenFramesOptions {
  /**
   * Largest width the stage needs; a decoder may scale down (keeping the aspect ratio) to save work.
   * Frame indices and times are those of the original video either way.
   */
  readonly maxWidth?: number;
}

/** Opens a video file as a frame source. The pipeline is given one of these; it never decodes by itself. */
export type OpenFrames = (videoPath: string, options?: OpenFramesOptions) => FrameSource;
