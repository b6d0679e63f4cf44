import { describe, expect, it } from 'vitest';
import { cocoRleCodec } from './metrics-codec.js';

describe('cocoRleCodec (metrics-owned COCO RLE)', () => {
  it('round-trips a mask through compressed column-major RLE', () => {
    const width = 5;
    const height = 3;
    const mask = Uint8Array.from({ length: width * height }, (_, p) =>
      ((p % width) + Math.floor(p / width)) % 3 === 0 ? 1 : 0,
    );
    const rle = cocoRleCodec.encode(mask, width, height);
    expect(rle.size).toEqual([3, 5]);
    expect(typeof rle.counts).toBe('string');
    expect(Array.from(cocoRleCodec.decode(rle))).toEqual(Array.from(mask));
  });

  it('decodes uncompressed counts too (column-major, background first)', () => {
    // 2x2, column-major [0, 1, 1, 0] -> row-major [0, 1, 1, 0].
    expect(Array.from(cocoRleCodec.decode({ size: [2, 2], counts: [1, 2, 1] }))).toEqual([0, 1, 1, 0]);
  });
});
