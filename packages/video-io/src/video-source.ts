import type { Rational } from './rational.js';

/**
 * The contract between VideoLoom and a video decoding backend. The FFmpeg child-process backend
 * (`FfmpegVideoSource`) is the one implementation today; another (in-process, WebCodecs) only has to
 * satisfy these types.
 *
 * Conventions:
 * - `frameIndex` is the position of a frame in presentation order of the decoded video stream (0-based).
 * - Times are exact rationals of seconds (`pts x time_base`), with a `number` copy for convenience.
 * - Decoding is one streaming pass: frames arrive in presentation order, the caller pulls them, and a
 *   slow caller pauses the decoder (bounded memory whatever the video length).
 */

/** What the probe learns about the video stream (never the container's duration or frame count). */
export interface VideoInfo {
  readonly path: string;
  /** Container format names as the demuxer reports them, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  readonly formatName: string;
  /** Container duration in seconds; can differ from the video's (audio running longer). Informational only. */
  readonly containerDurationSeconds: number | undefined;
  /** Index of the chosen video stream in the container (the first video stream that is not a cover picture). */
  readonly streamIndex: number;
  readonly codecName: string;
  /** Coded picture size in pixels (before any rotation is applied). */
  readonly width: number;
  readonly height: number;
  /** Display rotation in degrees from the display matrix (0, 90, 180, 270 or -90...); decoding does not apply it. */
  readonly rotationDegrees: number;
  readonly pixelFormat: string;
  /** YCbCr matrix tag, e.g. 'bt709', 'bt470bg'; 'unknown' when untagged (decoded as BT.601). */
  readonly colorMatrix: string;
  /** 'tv' (limited) or 'pc' (full) or 'unknown'. */
  readonly colorRange: string;
  /** Seconds per pts tick. */
  readonly timeBase: Rational;
  /** Nominal frame rate (frames per second) as a rational, e.g. 30000/1001. */
  readonly frameRate: Rational;
  /** True when the gaps between consecutive frame timestamps are not all equal. */
  readonly isVariableFrameRate: boolean;
  /** Number of frames in the stream (counted from the stream's packets, not the container header). */
  readonly frameCount: number;
  /**
   * pts of every frame in presentation order, in `timeBase` ticks. Length `frameCount`.
   * 8 bytes per frame: 1.7 MB for a 2-hour 30 fps video.
   */
  readonly framePts: Float64Array;
  /** Video stream duration: from the first frame's pts to the end of the last frame. Exact. */
  readonly duration: Rational;
  readonly durationSeconds: number;
}

/** A frame size in pixels. */
export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/**
 * How to resize while decoding (always after YCbCr -> RGB at the source size).
 * - 'pil-bicubic': bit-identical to Pillow `Image.resize(size, BICUBIC)` (Keys a = -0.5, kernel
 *   widened by the downscale factor = antialiased); the resize model-reference.md prescribes for the
 *   MLLM (448) and SAM2 (1024) inputs. Runs in JavaScript on the decoded RGB frame.
 * - 'pil-bilinear': bit-identical to Pillow BILINEAR (antialiased triangle).
 * - 'swscale-bicubic': FFmpeg swscale bicubic with the same kernel (B = 0, C = 0.5) inside the decoder:
 *   faster, but not bit-exact (README lists the measured difference to Pillow).
 * @defaultValue 'pil-bicubic'
 */
export type ResizeFilter = 'pil-bicubic' | 'pil-bilinear' | 'swscale-bicubic';

/** One output of a decode pass: a set of frames at one size. */
export interface DecodeOutputRequest {
  /** Name the frames of this output are tagged with. */
  readonly name: string;
  /** Frame indices to deliver; sorted and de-duplicated by the source. */
  readonly frameIndices: readonly number[];
  /** @defaultValue the video's own size */
  readonly size?: FrameSize;
  /** @defaultValue 'pil-bicubic' */
  readonly resize?: ResizeFilter;
}

/** Progress of a decode pass, named noun-verb. */
export type DecodeEvent =
  | { readonly type: 'decode-start'; readonly path: string; readonly framesRequested: number }
  | {
      readonly type: 'decode-progress';
      readonly path: string;
      readonly framesDelivered: number;
      readonly framesRequested: number;
    }
  | {
      readonly type: 'decode-end';
      readonly path: string;
      readonly framesDelivered: number;
      readonly wallSeconds: number;
    };

export interface DecodeRequest {
  /** One or more outputs, all filled by the same single pass over the file. */
  readonly outputs: readonly DecodeOutputRequest[];
  readonly onEvent?: (event: DecodeEvent) => void;
  /** Stops the decoder; the iterator then throws the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One decoded frame: packed RGB, 8 bits per channel. */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  /** rgb24, row-major HWC, length width x height x 3. */
  readonly data: Uint8Array;
}

/** A decoded frame with its exact timing. */
export interface DecodedFrame extends RgbFrame {
  /** The output (DecodeOutputRequest.name) this frame belongs to. */
  readonly output: string;
  readonly frameIndex: number;
  /** pts in time-base ticks, as the stream stores it. */
  readonly ptsTicks: number;
  /** Exact presentation time in seconds (pts x time_base, reduced). */
  readonly pts: Rational;
  readonly timeSeconds: number;
}

/** A backend that can probe and decode video files. */
export interface VideoSource {
  /** Backend name for logs, e.g. 'ffmpeg-cli'. */
  readonly name: string;
  /** Reads stream metadata and every frame's pts (no decoding). Throws the typed file errors. */
  probe(path: string): Promise<VideoInfo>;
  /**
   * Decodes the requested frames in one pass. Frames of all outputs arrive in presentation order
   * (for equal frame indices, in the order of `outputs`). Ends with CorruptVideoError if fewer frames
   * than requested could be decoded.
   */
  decode(info: VideoInfo, request: DecodeRequest): AsyncIterable<DecodedFrame>;
}
