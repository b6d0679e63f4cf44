import { describe, expect, it } from 'vitest';
import { FrameSelectionError, InvalidFrameSizeError } from '../errors/index.js';
import type { RgbFrame } from '../video-source.js';
import { drawDigits, drawText, measureText } from './draw-text.js';
import { DRAWABLE_CHARACTERS, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font-5x7.js';
import { drawMaskOverlay, maskBoundary } from './mask-overlay.js';

const grey = (width: number, height: number, level: number): RgbFrame => ({
  width,
  height,
  data: new Uint8Array(width * height * 3).fill(level),
});
const pixel = (f: RgbFrame, x: number, y: number) =>
  Array.from(f.data.subarray((y * f.width + x) * 3, (y * f.width + x) * 3 + 3));
const bitmap = (character: string) =>
  Array.from({ length: GLYPH_HEIGHT }, (_, r) =>
    Array.from({ length: GLYPH_WIDTH }, (_, c) => (glyphPixel(character, c, r) ? '#' : '.')).join(''),
  );

describe('5x7 font', () => {
  it('covers printable ASCII, one distinct glyph per character, ink only on the 5x7 grid', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    expect([...DRAWABLE_CHARACTERS].sort().join('')).toBe([...ascii].sort().join(''));
    const seen = new Map<string, string>();
    for (const ch of DRAWABLE_CHARACTERS) {
      const key = bitmap(ch).join('/');
      expect(seen.get(key), `glyph of ${JSON.stringify(ch)} duplicates`).toBeUndefined();
      seen.set(key, ch);
      if (ch !== ' ') expect(key).toContain('#');
      expect(glyphPixel(ch, GLYPH_WIDTH, 0) || glyphPixel(ch, -1, 0) || glyphPixel(ch, 0, GLYPH_HEIGHT)).toBe(
        false,
      );
    }
    // a few pinned shapes, so an edit that breaks a glyph fails here
    expect(bitmap('0')).toEqual(['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.']);
    expect(bitmap('A')).toEqual(['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#']);
    expect(bitmap('g')).toEqual(['.....', '.####', '#...#', '#...#', '.####', '....#', '.###.']);
    expect(bitmap('?')).toEqual(['.###.', '#...#', '....#', '...#.', '..#..', '.....', '..#..']);
  });
});

describe('drawText', () => {
  it('draws each glyph at its cell, scaled, and writes nothing outside the box', () => {
    const text = 'When? 3.5s';
    const frame = grey(80, 20, 100);
    const box = drawText(frame, text, 2, 3, { scale: 1, color: [255, 0, 0] });
    expect(box).toEqual({ left: 2, top: 3, ...measureText(text, 1) });
    expect(box.width).toBe(text.length * 6 - 1);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 80; x++) {
        const c = x - 2;
        const r = y - 3;
        const k = Math.floor(c / 6);
        const ink = r >= 0 && r < GLYPH_HEIGHT && c >= 0 && k < text.length && glyphPixel(text[k]!, c % 6, r);
        expect(pixel(frame, x, y), `(${x},${y})`).toEqual(ink ? [255, 0, 0] : [100, 100, 100]);
      }
    }
    const big = grey(40, 30, 0);
    drawText(big, 'A', 1, 1, { scale: 3, color: [9, 9, 9], background: [200, 200, 200] });
    // font pixel (0, 3) of 'A' is ink: 3x3 block at (1 + 0, 1 + 9)
    expect(pixel(big, 1, 10)).toEqual([9, 9, 9]);
    expect(pixel(big, 3, 12)).toEqual([9, 9, 9]);
    // font pixel (0, 0) is blank: background
    expect(pixel(big, 1, 1)).toEqual([200, 200, 200]);
  });
  it('rejects a character outside the font with a typed error naming it', () => {
    const frame = grey(40, 10, 0);
    expect(() => drawText(frame, 'caf\u00e9', 0, 0, { scale: 1, color: [1, 1, 1] })).toThrow(
      FrameSelectionError,
    );
    expect(() => drawText(frame, 'a\nb', 0, 0, { scale: 1, color: [1, 1, 1] })).toThrow(/"\\n"/);
    expect(() => drawDigits(frame, '12a', 0, 0, { scale: 1, color: [1, 1, 1] })).toThrow(/decimal digits/);
  });
});

describe('drawMaskOverlay', () => {
  const width = 12;
  const height = 10;
  const mask = new Uint8Array(width * height);
  for (let y = 2; y < 7; y++) for (let x = 3; x < 9; x++) mask[y * width + x] = 1;

  it('blends the fill over the mask, outlines the boundary, leaves the rest alone', () => {
    const frame = grey(width, height, 100);
    const r = drawMaskOverlay(frame, mask, {
      fill: { color: [255, 0, 255], alpha: 0.5 },
      outline: { color: [0, 255, 0], width: 1 },
    });
    expect(r).toEqual({ area: 30, boundaryPixelCount: 2 * 6 + 2 * 3 });
    expect(pixel(frame, 5, 4)).toEqual([178, 50, 178]); // round(0.5*100 + 0.5*255) = 178 (177.5 rounds up)
    expect(pixel(frame, 3, 2)).toEqual([0, 255, 0]); // corner: boundary
    expect(pixel(frame, 8, 5)).toEqual([0, 255, 0]);
    expect(pixel(frame, 2, 4)).toEqual([100, 100, 100]); // outside, next to the boundary (width 1)
    expect(pixel(frame, 0, 0)).toEqual([100, 100, 100]);
  });
  it('boundary: mask pixels with a 4-neighbour outside, frame edges count as outside', () => {
    const full = new Uint8Array(4 * 3).fill(1);
    expect(maskBoundary(full, 4, 3)).toEqual([0, 1, 2, 3, 4, 7, 8, 9, 10, 11]);
    expect(maskBoundary(new Uint8Array(12), 4, 3)).toEqual([]);
  });
  it('rejects a mask of another size and a bad alpha', () => {
    expect(() => drawMaskOverlay(grey(4, 4, 0), new Uint8Array(15), {})).toThrow(InvalidFrameSizeError);
    expect(() =>
      drawMaskOverlay(grey(4, 4, 0), new Uint8Array(16), { fill: { color: [0, 0, 0], alpha: 1.5 } }),
    ).toThrow(/alpha/);
  });
});
