import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidFrameSizeError } from '../errors/index.js';
import type { RgbFrame } from '../video-source.js';
import { decodePng } from '../write/png.js';
import { type PilFilter, resizeRgbLikePil } from './pil-resample.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'resize');
const manifest = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8')) as {
  pillow: string;
  cases: { input: string; width: number; height: number; filter: PilFilter; file: string }[];
};
const load = (name: string) => decodePng(readFileSync(join(fixtures, name)), name);
const source = load('source-960x540.png');

function crop(frame: RgbFrame, width: number, height: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    data.set(frame.data.subarray(y * frame.width * 3, (y * frame.width + width) * 3), y * width * 3);
  return { width, height, data };
}

describe(`resizeRgbLikePil matches Pillow ${manifest.pillow} bit for bit`, () => {
  it.each(manifest.cases)('$input -> $width x $height $filter', ({ input, width, height, filter, file }) => {
    const picture = input === 'crop-640x360' ? crop(source, 640, 360) : source;
    const expected = load(file);
    const actual = resizeRgbLikePil(picture, { width, height }, filter);
    expect(actual.width).toBe(width);
    expect(actual.height).toBe(height);
    let mismatches = 0;
    for (let i = 0; i < expected.data.length; i++) if (actual.data[i] !== expected.data[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('returns the input unchanged for the same size and rejects absurd sizes', () => {
    expect(resizeRgbLikePil(source, { width: 960, height: 540 })).toBe(source);
    expect(() => resizeRgbLikePil(source, { width: 0, height: 5 })).toThrow(InvalidFrameSizeError);
    expect(() => resizeRgbLikePil(source, { width: 50000, height: 5 })).toThrow(InvalidFrameSizeError);
    expect(() =>
      resizeRgbLikePil({ width: 4, height: 4, data: new Uint8Array(5) }, { width: 2, height: 2 }),
    ).toThrow(InvalidFrameSizeError);
  });
});
