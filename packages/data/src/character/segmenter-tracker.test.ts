import { describe, expect, it } from 'vitest';
import { FrameInputError } from '../errors/frame-input-error.js';
import type { DecodedFrame, FrameSource } from '../frames/frame-source.js';
import { ColourDescriber, colourWords, DescriptionMatchDetector } from './builtin.js';
import type { TrackedMask } from './contracts.js';
import {
  boxToXyxy,
  type SegmentedFrame,
  type SegmenterRequest,
  SegmenterTracker,
} from './segmenter-tracker.js';

const W = 40;
const H = 30;

/** Grey frame with coloured rectangles [x0, y0, x1, y1, r, g, b]. */
function frame(frameIndex: number, rects: number[][] = []): DecodedFrame {
  const rgb = new Uint8Array(W * H * 3).fill(128);
  for (const [x0, y0, x1, y1, r, g, b] of rects)
    for (let y = y0!; y < y1!; y++) for (let x = x0!; x < x1!; x++) rgb.set([r!, g!, b!], (y * W + x) * 3);
  return { frameIndex, timeSeconds: frameIndex / 10, width: W, height: H, rgb };
}

function source(frames: DecodedFrame[]): FrameSource {
  return {
    async *[Symbol.asyncIterator]() {
      yield* frames;
    },
  };
}

/**
 * A deterministic segmenter: fills the prompt box on every frame and reports the object absent on the
 * clip's last frame; it records what it was asked and the clip indices it was given.
 */
function boxFillSegmenter(log: { request?: SegmenterRequest; seen: number[] }) {
  return async function* (request: SegmenterRequest): AsyncGenerator<SegmentedFrame> {
    log.request = request;
    for await (const f of request.frames) {
      log.seen.push(f.frameIndex);
      const mask = new Uint8Array(f.width * f.height);
      for (let y = Math.floor(request.box.y0); y < Math.ceil(request.box.y1); y++)
        for (let x = Math.floor(request.box.x0); x < Math.ceil(request.box.x1); x++)
          mask[y * f.width + x] = 1;
      const last = f.frameIndex === request.numFrames - 1;
      yield { frameIndex: f.frameIndex, width: f.width, height: f.height, mask, objectScore: last ? -2 : 3 };
    }
  };
}

async function collect(it: AsyncIterable<TrackedMask>): Promise<TrackedMask[]> {
  const out: TrackedMask[] = [];
  for await (const t of it) out.push(t);
  return out;
}

describe('SegmenterTracker', () => {
  const clip = Array.from({ length: 7 }, (_, i) => frame(5 + i));

  it('hands the segmenter a 0-based clip, the prompt frame and an XYXY box, and maps results back', async () => {
    const log: { request?: SegmenterRequest; seen: number[] } = { seen: [] };
    const tracker = new SegmenterTracker({ id: 'box-fill', segment: boxFillSegmenter(log) });
    const box = { x: 4, y: 6, width: 10, height: 8 };
    const out = await collect(
      tracker.track({
        frames: source(clip),
        promptFrameIndex: 8,
        box,
        promptFrame: clip[3]!,
        startFrameIndex: 5,
        endFrameIndex: 12,
      }),
    );
    expect(log.request).toMatchObject({
      numFrames: 7,
      promptFrameIndex: 3,
      box: { x0: 4, y0: 6, x1: 14, y1: 14 },
    });
    expect(log.request!.promptFrame.frameIndex).toBe(3);
    expect(log.seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(out.map((t) => t.frameIndex)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    // Present: the box's 80 pixels; the absent last frame (object score <= 0) is null.
    expect(out[0]!.mask!.reduce((a, b) => a + b, 0)).toBe(80);
    expect(out.at(-1)!.mask).toBeNull();
  });

  it('reads the clip first when the request lacks the range and prompt frame', async () => {
    const log: { request?: SegmenterRequest; seen: number[] } = { seen: [] };
    const tracker = new SegmenterTracker({
      id: 'box-fill',
      segment: boxFillSegmenter(log),
      minMaskPixels: 100,
    });
    const out = await collect(
      tracker.track({ frames: source(clip), promptFrameIndex: 6, box: { x: 0, y: 0, width: 5, height: 5 } }),
    );
    expect(log.request).toMatchObject({ numFrames: 7, promptFrameIndex: 1 });
    // 25 pixels < minMaskPixels: "not found" on every frame.
    expect(out.every((t) => t.mask === null)).toBe(true);
  });

  it('rejects gaps, prompts outside the clip and empty boxes with FrameInputError', async () => {
    const tracker = new SegmenterTracker({ id: 'box-fill', segment: boxFillSegmenter({ seen: [] }) });
    const base = {
      promptFrameIndex: 8,
      box: { x: 4, y: 6, width: 10, height: 8 },
      startFrameIndex: 5,
      endFrameIndex: 12,
    };
    const gap = [...clip.slice(0, 2), ...clip.slice(3)];
    await expect(
      collect(tracker.track({ ...base, frames: source(gap), promptFrame: clip[3]! })),
    ).rejects.toThrow(/frame 7 next/);
    await expect(
      collect(tracker.track({ ...base, frames: source(clip), promptFrame: clip[3]!, endFrameIndex: 8 })),
    ).rejects.toThrow(FrameInputError);
    const error = await collect(
      tracker.track({
        ...base,
        frames: source(clip),
        promptFrame: clip[3]!,
        box: { x: 50, y: 0, width: 4, height: 4 },
      }),
    ).catch((e: unknown) => e);
    expect(FrameInputError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/positive width and height/);
  });

  it('clamps boxes to the frame', () => {
    expect(boxToXyxy({ x: -3, y: 2, width: 50, height: 5 }, W, H)).toEqual({ x0: 0, y0: 2, x1: W, y1: 7 });
  });
});

describe('DescriptionMatchDetector', () => {
  // A large red figure and a smaller blue one on grey.
  const scene = frame(0, [
    [2, 2, 16, 26, 220, 40, 40],
    [24, 10, 34, 20, 40, 70, 210],
  ]);
  const detector = new DescriptionMatchDetector();

  it('finds the figure a description names, among several', async () => {
    const blue = await detector.detect(scene, 'a person in blue');
    expect(blue).toHaveLength(1);
    expect(blue[0]!.box).toEqual({ x: 24, y: 10, width: 10, height: 10 });
    expect(blue[0]!.score).toBeCloseTo(1, 5);
    const red = await detector.detect(
      scene,
      await new ColourDescriber().describe(scene, { x: 0, y: 0, width: 18, height: 28 }),
    );
    expect(red[0]!.box).toEqual({ x: 2, y: 2, width: 14, height: 24 });
    expect(await detector.detect(scene, 'a person in green')).toEqual([]);
  });

  it('ranks every figure by area for a query without colour words', async () => {
    const people = await detector.detect(scene, 'person');
    expect(people.map((d) => d.box.x)).toEqual([2, 24]);
    expect(people[0]!.score).toBeCloseTo((14 * 24) / (W * H), 6);
  });

  it('reads colour words in order of mention', () => {
    expect(colourWords('A blue shirt and red trousers')).toEqual(['blue', 'red']);
    expect(colourWords('reddish')).toEqual([]);
  });
});
