/**
 * The pipeline's {@link MaskTracker} on top of a box-promptable video segmenter (SAM2's video
 * predictor through @videoloom/sam2-bridge). The data package may not import sam2-bridge, so the
 * segmenter is passed in as a function; an app wires `Sam2Bridge.track` into it.
 */
import { FrameInputError } from '../errors/frame-input-error.js';
import type { DecodedFrame, FrameSource } from '../frames/frame-source.js';
import type { Box, MaskTracker, MaskTrackRequest, TrackedMask } from './contracts.js';

/** A box as SAM's XYXY in pixels: (x0, y0) top-left corner, (x1, y1) bottom-right corner. */
export interface XyxyBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** One clip to segment, frames re-indexed from 0. */
export interface SegmenterRequest {
  /** Frames in the clip; their indices are 0 .. numFrames − 1. */
  readonly numFrames: number;
  /** Index (in the clip) of the frame the box is on. */
  readonly promptFrameIndex: number;
  /** That frame (its `frameIndex` is the clip index). */
  readonly promptFrame: DecodedFrame;
  /** The object's box on the prompt frame, in its pixels. */
  readonly box: XyxyBox;
  /** Every frame of the clip in order (the prompt frame included), clip indices. */
  readonly frames: FrameSource;
}

/** The segmenter's answer for one frame of the clip. */
export interface SegmentedFrame {
  /** Clip index. */
  readonly frameIndex: number;
  readonly width: number;
  readonly height: number;
  /** uint8[height · width] of 0/1 at the frame's size. */
  readonly mask: Uint8Array;
  /** Object-present logit: the object is on the frame when > 0 (SAM2's object score). */
  readonly objectScore: number;
}

/** A box-promptable video segmenter: yields one {@link SegmentedFrame} per clip frame, in any order. */
export type PromptedSegmenter = (request: SegmenterRequest) => AsyncIterable<SegmentedFrame>;

/** Options of {@link SegmenterTracker}. */
export interface SegmenterTrackerOptions {
  /** Model name and version, recorded in the manifest. */
  readonly id: string;
  readonly segment: PromptedSegmenter;
  /** A mask with fewer pixels than this counts as "not found". @defaultValue 1 */
  readonly minMaskPixels?: number;
}

/** `{ x, y, width, height }` → XYXY, clamped to the frame. */
export function boxToXyxy(box: Box, width: number, height: number): XyxyBox {
  return {
    x0: Math.max(0, Math.min(width, box.x)),
    y0: Math.max(0, Math.min(height, box.y)),
    x1: Math.max(0, Math.min(width, box.x + box.width)),
    y1: Math.max(0, Math.min(height, box.y + box.height)),
  };
}

/**
 * {@link MaskTracker} over a {@link PromptedSegmenter}: re-indexes the clip from 0, hands the
 * segmenter the prompt frame and the clip length up front, and turns masks of absent objects (object
 * score ≤ 0, or fewer than `minMaskPixels` pixels) into `null`.
 *
 * The pipeline passes `promptFrame`, `startFrameIndex` and `endFrameIndex`; without them the tracker
 * first reads the whole `frames` source into memory to learn them (fine for short clips only).
 */
export class SegmenterTracker implements MaskTracker {
  readonly id: string;
  private readonly segment: PromptedSegmenter;
  private readonly minMaskPixels: number;

  constructor(options: SegmenterTrackerOptions) {
    this.id = options.id;
    this.segment = options.segment;
    this.minMaskPixels = options.minMaskPixels ?? 1;
  }

  async *track(request: MaskTrackRequest): AsyncGenerator<TrackedMask> {
    let { frames, promptFrame, startFrameIndex: start, endFrameIndex: end } = request;
    if (!promptFrame || start === undefined || end === undefined) {
      const all: DecodedFrame[] = [];
      for await (const f of frames) all.push(f);
      if (all.length === 0) return;
      start ??= all[0]!.frameIndex;
      end ??= all.at(-1)!.frameIndex + 1;
      promptFrame ??= all.find((f) => f.frameIndex === request.promptFrameIndex);
      frames = fromArray(all);
    }
    if (!promptFrame || promptFrame.frameIndex !== request.promptFrameIndex) {
      throw new FrameInputError(
        request.promptFrameIndex,
        `the prompt frame ${request.promptFrameIndex} among frames [${start}, ${end})`,
        promptFrame ? `frame ${promptFrame.frameIndex}` : 'no such frame',
      );
    }
    if (request.promptFrameIndex < start || request.promptFrameIndex >= end) {
      throw new FrameInputError(
        request.promptFrameIndex,
        `a prompt frame inside [${start}, ${end})`,
        'a frame outside the clip',
      );
    }
    const box = boxToXyxy(request.box, promptFrame.width, promptFrame.height);
    if (!(box.x1 > box.x0) || !(box.y1 > box.y0)) {
      throw new FrameInputError(
        request.promptFrameIndex,
        `a box with positive width and height inside the ${promptFrame.width}×${promptFrame.height} frame`,
        JSON.stringify(request.box),
      );
    }
    const offset = start;
    const clip = reindex(frames, offset, end);
    for await (const s of this.segment({
      numFrames: end - start,
      promptFrameIndex: request.promptFrameIndex - offset,
      promptFrame: { ...promptFrame, frameIndex: request.promptFrameIndex - offset },
      box,
      frames: clip,
    })) {
      let pixels = 0;
      if (s.objectScore > 0) for (const v of s.mask) pixels += v;
      yield {
        frameIndex: s.frameIndex + offset,
        width: s.width,
        height: s.height,
        mask: s.objectScore > 0 && pixels >= this.minMaskPixels ? s.mask : null,
      };
    }
  }
}

function fromArray(frames: readonly DecodedFrame[]): FrameSource {
  return {
    async *[Symbol.asyncIterator]() {
      yield* frames;
    },
  };
}

/** Frames [start, end) with indices shifted to start at 0; a gap or a reordering is a FrameInputError. */
function reindex(source: FrameSource, start: number, end: number): FrameSource {
  return {
    async *[Symbol.asyncIterator]() {
      let expected = start;
      for await (const f of source) {
        if (f.frameIndex !== expected) {
          throw new FrameInputError(
            f.frameIndex,
            `frame ${expected} next (consecutive frames from ${start})`,
            `frame ${f.frameIndex}`,
          );
        }
        if (f.frameIndex >= end) return;
        expected += 1;
        yield { ...f, frameIndex: f.frameIndex - start };
      }
    },
  };
}
