import { encodeRle, maskToRunLengths, runLengthsToString } from '@videoloom/metrics';
import { describe, expect, it } from 'vitest';
import { maskHoldSeconds, maskIndexAt, rleToRgba, spanGeometry, splitNdjson } from './page-logic.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('splitNdjson', () => {
  it('yields the same lines however the stream is cut into chunks', () => {
    const random = lcg(7);
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ type: 'token', text: `t${i} é ✓ ${'x'.repeat(Math.floor(random() * 30))}` }),
    );
    const text = `${lines.join('\n')}\n`;
    for (let trial = 0; trial < 50; trial++) {
      const out: string[] = [];
      let rest = '';
      let at = 0;
      while (at < text.length) {
        const size = 1 + Math.floor(random() * 20);
        const split = splitNdjson(rest, text.slice(at, at + size));
        out.push(...split.lines);
        rest = split.rest;
        at += size;
      }
      expect(rest).toBe('');
      expect(out).toEqual(lines);
    }
  });

  it('keeps an unfinished last line and drops blank lines', () => {
    expect(splitNdjson('', '{"a":1}\n\n{"b"')).toEqual({ lines: ['{"a":1}'], rest: '{"b"' });
    expect(splitNdjson('{"b"', ':2}\n')).toEqual({ lines: ['{"b":2}'], rest: '' });
  });
});

describe('maskIndexAt', () => {
  /** The rule, written the slow way: last mask at or before t (quarter-frame slack), while held. */
  function bruteForce(times: number[], t: number, fps: number, hold: number): number {
    const slack = 0.25 / fps;
    let found = -1;
    times.forEach((time, i) => {
      if (time <= t + slack) found = i;
    });
    return found >= 0 && t < (times[found] as number) + hold - slack ? found : -1;
  }

  it('agrees with the brute-force rule on random mask sets and times', () => {
    const random = lcg(99);
    for (let trial = 0; trial < 200; trial++) {
      const fps = [12, 24, 25, 29.97, 30][trial % 5] as number;
      const frames = [
        ...new Set(Array.from({ length: 1 + Math.floor(random() * 15) }, () => Math.floor(random() * 60))),
      ].sort((a, b) => a - b);
      const times = frames.map((f) => f / fps);
      const hold = maskHoldSeconds(times, fps);
      for (let k = 0; k < 30; k++) {
        const t = random() * (62 / fps);
        expect(maskIndexAt(times, t, fps, hold)).toBe(bruteForce(times, t, fps, hold));
      }
    }
  });

  it('shows a per-frame mask on its own frame only, and a keyframe mask until the next keyframe', () => {
    const fps = 10;
    const everyFrame = [3, 4, 5].map((f) => f / fps);
    const hold = maskHoldSeconds(everyFrame, fps);
    expect(hold).toBeCloseTo(0.1, 12);
    expect(maskIndexAt(everyFrame, 0.27, fps, hold)).toBe(-1);
    expect(maskIndexAt(everyFrame, 0.29, fps, hold)).toBe(0); // within the quarter-frame slack
    expect(maskIndexAt(everyFrame, 0.3, fps, hold)).toBe(0);
    expect(maskIndexAt(everyFrame, 0.45, fps, hold)).toBe(1);
    expect(maskIndexAt(everyFrame, 0.55, fps, hold)).toBe(2);
    expect(maskIndexAt(everyFrame, 0.61, fps, hold)).toBe(-1);
    const keyframes = [0, 2, 4].map((s) => s);
    const keyHold = maskHoldSeconds(keyframes, fps);
    expect(keyHold).toBe(2);
    expect(maskIndexAt(keyframes, 1.9, fps, keyHold)).toBe(0);
    expect(maskIndexAt(keyframes, 5.9, fps, keyHold)).toBe(2);
    expect(maskIndexAt(keyframes, 6.1, fps, keyHold)).toBe(-1);
    expect(maskIndexAt([], 1, fps, 0)).toBe(-1);
  });
});

describe('spanGeometry', () => {
  it('places the span in percent of the duration, clamped to the bar', () => {
    expect(spanGeometry({ startSeconds: 0.5, endSeconds: 1.5 }, 2)).toEqual({
      leftPercent: 25,
      widthPercent: 50,
    });
    expect(spanGeometry({ startSeconds: -1, endSeconds: 9 }, 2)).toEqual({
      leftPercent: 0,
      widthPercent: 100,
    });
    expect(spanGeometry({ startSeconds: 1, endSeconds: 1 }, 0)).toEqual({ leftPercent: 0, widthPercent: 0 });
  });
});

describe('rleToRgba (the metrics codec, as bundled into the page)', () => {
  it('round-trips random masks: foreground pixels get the colour, background stays transparent', () => {
    const random = lcg(3);
    for (let trial = 0; trial < 30; trial++) {
      const width = 1 + Math.floor(random() * 40);
      const height = 1 + Math.floor(random() * 30);
      const data = new Uint8Array(width * height).map(() => (random() < 0.4 ? 1 : 0));
      const rle = encodeRle({ width, height, data });
      const rgba = rleToRgba(
        { size: [rle.size[0], rle.size[1]], counts: rle.counts as string },
        [1, 2, 3, 200],
      );
      expect([rgba.width, rgba.height]).toEqual([width, height]);
      for (let i = 0; i < data.length; i++) {
        expect(Array.from(rgba.data.subarray(i * 4, i * 4 + 4))).toEqual(
          data[i] ? [1, 2, 3, 200] : [0, 0, 0, 0],
        );
      }
    }
  });

  it('reads counts column-major, as pycocotools writes them', () => {
    // 2x3 (height 2, width 3): column-major runs 1 bg, 2 fg, 3 bg -> (y1,x0) and (y0,x1) set.
    const counts = runLengthsToString([1, 2, 3]);
    const rgba = rleToRgba({ size: [2, 3], counts }, [9, 9, 9, 9]);
    const alpha = Array.from({ length: 6 }, (_, i) => rgba.data[i * 4 + 3]);
    expect(alpha).toEqual([0, 9, 0, 9, 0, 0]);
    expect(maskToRunLengths({ width: 3, height: 2, data: new Uint8Array([0, 1, 0, 1, 0, 0]) })).toEqual([
      1, 2, 3,
    ]);
  });

  it('rejects a mask whose runs do not fill its size, naming what it expected', () => {
    expect(() => rleToRgba({ size: [2, 3], counts: runLengthsToString([1, 2]) }, [1, 1, 1, 1])).toThrow(
      /run lengths summing to 6 \(2x3\)/,
    );
  });
});
