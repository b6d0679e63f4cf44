import { describe, expect, it } from 'vitest';
import { MaskFormatError } from '../errors/index.js';
import { emptyMask, maskArea } from './binary-mask.js';
import { labelsToMask, readLabelPng, writeLabelPng, writeMaskPng } from './png-mask.js';
import { decodeRle, encodeRle, maskToRunLengths, runLengthsToString, stringToRunLengths } from './rle.js';

function randomMask(w: number, h: number, seed: number) {
  let s = seed;
  const m = emptyMask(w, h);
  for (let i = 0; i < m.data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    m.data[i] = (s >>> 16) % 7 === 0 ? 1 : 0;
  }
  return m;
}

describe('COCO RLE (pycocotools conventions)', () => {
  it('compresses counts as pycocotools rleToString (hand-derived from its C code)', () => {
    expect(runLengthsToString([0, 1])).toBe('01');
    // 4th count stored as a delta to the 2nd: 2 - 3 = -1 -> one char 31 + 48 = "O"
    expect(runLengthsToString([5, 3, 10, 2])).toBe('53:O');
    expect(runLengthsToString([100])).toBe('T3'); // 100 = 4 + 3*32: (4|0x20)+48, 3+48
  });
  it('round-trips counts and masks, column-major', () => {
    const m = emptyMask(3, 2); // row-major [[0,1,1],[0,0,1]]
    m.data.set([0, 1, 1, 0, 0, 1]);
    // column-major flatten: (0,0)(1,0) (0,1)(1,1) (0,2)(1,2) = 0 0 1 0 1 1
    expect(maskToRunLengths(m)).toEqual([2, 1, 1, 2]);
    expect(encodeRle(m).size).toEqual([2, 3]);
    for (const [w, h, seed] of [
      [17, 9, 1],
      [64, 48, 2],
      [1, 1, 3],
      [200, 3, 4],
    ] as const) {
      const r = randomMask(w, h, seed);
      const enc = encodeRle(r);
      expect(stringToRunLengths(enc.counts as string)).toEqual(maskToRunLengths(r));
      expect(decodeRle(enc).data).toEqual(r.data);
    }
  });
  it('rejects run lengths that do not cover the frame, naming the frame', () => {
    expect(() => decodeRle({ size: [2, 2], counts: [1, 1] }, 'mask_dict.json', 4)).toThrow(MaskFormatError);
    expect(() => decodeRle({ size: [2, 2], counts: [3, 5] }, 'mask_dict.json', 4)).toThrow(/frame 4/);
  });
});

describe('palette PNG masks', () => {
  it('writes DAVIS-style palette PNGs and reads the indices back', () => {
    const labels = new Uint8Array([0, 1, 2, 2, 1, 0]);
    const png = writeLabelPng({ width: 3, height: 2, labels });
    const back = readLabelPng(png);
    expect(back.labels).toEqual(labels);
    expect(back.palette?.[1]).toEqual([128, 0, 0]);
    expect(maskArea(labelsToMask(back, 2))).toBe(2);
    expect(maskArea(labelsToMask(back))).toBe(4);
  });
  it('round-trips a binary mask', () => {
    const m = randomMask(31, 17, 9);
    expect(labelsToMask(readLabelPng(writeMaskPng(m))).data).toEqual(m.data);
  });
  it('rejects bytes that are not a PNG', () => {
    expect(() => readLabelPng(new Uint8Array([1, 2, 3]), 'x.png')).toThrow(MaskFormatError);
  });
});
