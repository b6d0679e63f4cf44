/**
 * The model steps of the main-character stage, as interfaces: the pipeline never imports a model
 * runtime. An ONNX implementation (GroundingDINO-style detector, Pix2Cap-style describer) lives in an
 * app that may import @videoloom/backend, and the tracker is @videoloom/sam2-bridge, adapted to
 * {@link MaskTracker}. `builtin.ts` has simple colour-based implementations for tests.
 */
import type { DecodedFrame, FrameSource } from '../frames/frame-source.js';

/** A box in the pixel coordinates of the frame it was found in. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Detection {
  readonly box: Box;
  /** Higher is more confident; only the order matters to the pipeline. */
  readonly score: number;
}

/** Open-vocabulary detector: finds `query` ("person", or a description of one person) in a frame. */
export interface PersonDetector {
  /** Model name and version, recorded in the manifest. */
  readonly id: string;
  detect(frame: DecodedFrame, query: string): Promise<Detection[]>;
}

/** Region captioner: describes the person in `box` (clothing, attributes). */
export interface CharacterDescriber {
  readonly id: string;
  describe(frame: DecodedFrame, box: Box): Promise<string>;
}

/** One frame's mask of the tracked person: uint8[height * width] of 0/1, or null when not found. */
export interface TrackedMask {
  readonly frameIndex: number;
  readonly width: number;
  readonly height: number;
  readonly mask: Uint8Array | null;
}

/** Video object tracker prompted with a box on one frame (SAM2's video predictor). */
export interface MaskTracker {
  readonly id: string;
  /**
   * Tracks the object in `box` on frame `promptFrameIndex` through every frame of `frames` (forward and
   * backward from the prompt), yielding one {@link TrackedMask} per frame, in any order.
   */
  track(request: MaskTrackRequest): AsyncIterable<TrackedMask>;
}

/** What the pipeline asks a {@link MaskTracker} to track. */
export interface MaskTrackRequest {
  /** Consecutive frames [startFrameIndex, endFrameIndex) of the video, in order. */
  readonly frames: FrameSource;
  readonly promptFrameIndex: number;
  /** The person's box on the prompt frame, in that frame's pixels. */
  readonly box: Box;
  /**
   * The prompt frame, already decoded (the pipeline has it from detection). Trackers that must see the
   * prompt before the other frames (SAM2) use it instead of holding the frames that precede it.
   */
  readonly promptFrame?: DecodedFrame;
  /** First frame `frames` yields. @defaultValue the first frame seen */
  readonly startFrameIndex?: number;
  /** One past the last frame `frames` yields (trackers that need the length up front read it here). */
  readonly endFrameIndex?: number;
}

/** COCO run-length encoding of one binary mask (`size` is [height, width]). */
export interface CocoRle {
  readonly size: readonly [number, number];
  readonly counts: string | readonly number[];
}

/**
 * Mask <-> COCO RLE. INTEGRATION POINT: @videoloom/metrics owns the COCO RLE codec; the pipeline is
 * handed its encode/decode and never encodes RLE by itself.
 */
export interface MaskCodec {
  /** @param mask uint8[height * width], row-major, 0/1 */
  encode(mask: Uint8Array, width: number, height: number): CocoRle;
  /** @returns uint8[height * width], row-major, 0/1 */
  decode(rle: CocoRle): Uint8Array;
}
