import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../../test/helpers/clips.js';
import type { RgbFrame } from '../video-source.js';
import { decodePng } from '../write/png.js';
import { writeImage } from '../write/write-frames.js';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font-5x7.js';
import { drawFrameNumber } from './numpro.js';
import { drawSetOfMarks } from './set-of-marks.js';

// Set VIDEOLOOM_KEEP_OVERLAYS=<folder> to keep the rendered PNGs and look at them.
const keep = process.env.VIDEOLOOM_KEEP_OVERLAYS;
let dir: string;
beforeAll(async () => {
  dir = keep ?? (await temporaryFolder('overlays'));
  await fs.mkdir(dir, { recursive: true });
});
afterAll(async () => {
  if (!keep) await fs.rm(dir, { recursive: true, force: true });
});

function noise(width: number, height: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return { width, height, data };
}

const pixel = (f: RgbFrame, x: number, y: number) =>
  Array.from(f.data.subarray((y * f.width + x) * 3, (y * f.width + x) * 3 + 3));

/** Reads back which font pixels of a drawn digit string are red, as a glyph bitmap. */
function readGlyph(f: RgbFrame, left: number, top: number, scale: number, k: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < GLYPH_HEIGHT; r++) {
    let bits = 0;
    for (let c = 0; c < GLYPH_WIDTH; c++) {
      const [red, green, blue] = pixel(
        f,
        left + (k * (GLYPH_WIDTH + 1) + c) * scale + (scale >> 1),
        top + r * scale + (scale >> 1),
      );
      bits = (bits << 1) | (red === 255 && green === 0 && blue === 0 ? 1 : 0);
    }
    rows.push(bits);
  }
  return rows;
}

const expectedGlyph = (d: string) =>
  Array.from({ length: GLYPH_HEIGHT }, (_, r) =>
    Array.from({ length: GLYPH_WIDTH }, (_, c): number => (glyphPixel(d, c, r) ? 1 : 0)).reduce(
      (a, b) => (a << 1) | b,
      0,
    ),
  );

describe('NumPro frame numbers', () => {
  it('draws the id in red in the lower-left corner of a 448x448 frame and touches nothing else', async () => {
    const frame = noise(448, 448);
    const before = frame.data.slice();
    const { frame: out, box } = drawFrameNumber(frame, 127);
    expect(Buffer.from(frame.data).equals(Buffer.from(before))).toBe(true); // input untouched
    expect(box.left).toBeLessThan(30);
    expect(box.top + box.height).toBeGreaterThan(448 - 30);
    expect(box.height).toBeGreaterThanOrEqual(28); // legible: about 7% of the frame height
    const scale = box.height / GLYPH_HEIGHT;
    for (const [k, d] of ['1', '2', '7'].entries()) {
      expect(readGlyph(out, box.left, box.top, scale, k)).toEqual(expectedGlyph(d));
    }
    // Outside the box grown by one font pixel of outline, every pixel is the original.
    let changedOutside = 0;
    for (let y = 0; y < 448; y++) {
      for (let x = 0; x < 448; x++) {
        const inBox =
          x >= box.left - scale &&
          x < box.left + box.width + scale &&
          y >= box.top - scale &&
          y < box.top + box.height + scale;
        const o = (y * 448 + x) * 3;
        if (
          !inBox &&
          (out.data[o] !== before[o] ||
            out.data[o + 1] !== before[o + 1] ||
            out.data[o + 2] !== before[o + 2])
        ) {
          changedOutside++;
        }
      }
    }
    expect(changedOutside).toBe(0);
    const path = join(dir, 'numpro.png');
    await writeImage(path, out);
    expect(Buffer.from(decodePng(await fs.readFile(path)).data).equals(Buffer.from(out.data))).toBe(true);
  });
});

describe('Set-of-Marks', () => {
  it('draws the boundary and the id at the centre of a mask, and leaves far pixels alone', async () => {
    const width = 200;
    const height = 120;
    const frame = noise(width, height);
    const mask = new Uint8Array(width * height);
    for (let y = 30; y < 90; y++) for (let x = 50; x < 150; x++) mask[y * width + x] = 1;
    const { frame: out, marks } = drawSetOfMarks(frame, [{ instanceId: 3, mask, color: [0, 255, 0] }], {
      digitHeight: 14,
    });
    const mark = marks[0]!;
    expect(mark.boundaryPixelCount).toBe(2 * 100 + 2 * 58);
    // the centre label covers the mask centre (100, 60) and shows a '3' in white on green
    const c = mark.centreLabel;
    expect(c.left <= 100 && 100 < c.left + c.width && c.top <= 60 && 60 < c.top + c.height).toBe(true);
    const scale = c.height / GLYPH_HEIGHT;
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        const p = pixel(out, c.left + col * scale, c.top + r * scale);
        expect(p).toEqual(glyphPixel('3', col, r) ? [255, 255, 255] : [0, 255, 0]);
      }
    }
    // boundary pixels are green; a pixel inside, away from labels, and one far outside are untouched
    expect(pixel(out, 50, 45)).toEqual([0, 255, 0]);
    expect(pixel(out, 149, 80)).toEqual([0, 255, 0]);
    expect(pixel(out, 70, 40)).toEqual(pixel(frame, 70, 40));
    expect(pixel(out, 10, 10)).toEqual(pixel(frame, 10, 10));
    expect(mark.boundaryLabelBoxes).toHaveLength(2);
    await writeImage(join(dir, 'som.png'), out);
  });
});
