import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BinaryMask, emptyMask } from '../masks/binary-mask.js';
import { decodeRle, maskToRunLengths } from '../masks/rle.js';
import { boundaryMap, boundaryTolerance, dilateWithDisk, diskHalfWidths, frameJF } from './davis.js';

interface GoldenCase {
  name: string;
  height: number;
  width: number;
  gt: number[];
  pred: number[];
  J: number | null;
  F: number;
}
const golden = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/spatial/davis-golden.json'),
    'utf8',
  ),
) as { cases: GoldenCase[] };

describe('per-frame J and F against the official DAVIS functions (golden file)', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      const gt = decodeRle({ size: [c.height, c.width], counts: c.gt });
      const pred = decodeRle({ size: [c.height, c.width], counts: c.pred });
      // the golden counts come from numpy's column-major flatten: our encoder must agree
      expect(maskToRunLengths(gt)).toEqual(c.gt);
      const r = frameJF(gt, pred);
      // db_eval_iou returns nan for 0/0 on a 2-D call and then maps it to 1 via isclose(union, 0)
      expect(r.J).toBe(c.J === null ? 1 : c.J);
      expect(r.F).toBe(c.F);
    });
  }
});

describe('DAVIS boundary details (spatial spec §2)', () => {
  it('tolerance ceil(0.008 * diagonal) lands exactly on integers for 3-4-5 sizes', () => {
    expect(boundaryTolerance(480, 854)).toBe(8);
    expect(boundaryTolerance(720, 1280)).toBe(12);
    expect(boundaryTolerance(360, 640)).toBe(6);
    expect(boundaryTolerance(240, 427)).toBe(4);
    expect(boundaryTolerance(180, 320)).toBe(3);
    expect(boundaryTolerance(427, 640)).toBe(7);
    expect(boundaryTolerance(375, 500)).toBe(5);
    expect(boundaryTolerance(75, 100)).toBe(1);
    expect(boundaryTolerance(300, 400)).toBe(4);
    expect(boundaryTolerance(1, 1)).toBe(1);
  });
  it('disk(r) is scikit-image disk: disk(1) is the cross, disk(8) has (5,6) but not (6,6)', () => {
    expect([...diskHalfWidths(1)]).toEqual([0, 1, 0]);
    const d8 = diskHalfWidths(8);
    expect(d8[8 + 5]).toBe(6);
    expect(d8[8 + 6]).toBe(5);
  });
  const withPixels = (h: number, w: number, px: [number, number][]): BinaryMask => {
    const m = emptyMask(w, h);
    for (const [y, x] of px) m.data[y * w + x] = 1;
    return m;
  };
  it('boundary pixel counts: interior pixel 4, origin 1, bottom-right 3, full and empty masks 0', () => {
    expect(boundaryMap(withPixels(5, 5, [[2, 2]])).count).toBe(4);
    expect(boundaryMap(withPixels(5, 5, [[0, 0]])).count).toBe(1);
    expect(boundaryMap(withPixels(5, 5, [[4, 4]])).count).toBe(3);
    const full = emptyMask(5, 5);
    full.data.fill(1);
    expect(boundaryMap(full).count).toBe(0);
    expect(boundaryMap(emptyMask(5, 5)).count).toBe(0);
  });
  it('empty GT vs full prediction: J = 0 but F = 1 (neither has a boundary)', () => {
    const full = emptyMask(8, 6);
    full.data.fill(1);
    expect(frameJF(emptyMask(8, 6), full)).toEqual({ J: 0, F: 1 });
  });
});

describe('fast path (box scan, word skipping, disk search) equals the plain full-frame reference', () => {
  // plain restatement: full boundary maps, full disk dilations, full-frame counts
  const reference = (gt: BinaryMask, pred: BinaryMask) => {
    const { width: w, height: h } = gt;
    let inter = 0;
    let union = 0;
    for (let i = 0; i < w * h; i++) {
      const a = gt.data[i] !== 0;
      const b = pred.data[i] !== 0;
      if (a && b) inter++;
      if (a || b) union++;
    }
    const r = boundaryTolerance(h, w);
    const fg = boundaryMap(pred);
    const gb = boundaryMap(gt);
    let precision: number;
    let recall: number;
    if (fg.count === 0 && gb.count > 0) [precision, recall] = [1, 0];
    else if (fg.count > 0 && gb.count === 0) [precision, recall] = [0, 1];
    else if (fg.count === 0 && gb.count === 0) [precision, recall] = [1, 1];
    else {
      const fd = dilateWithDisk(fg.map, w, h, r);
      const gd = dilateWithDisk(gb.map, w, h, r);
      let fm = 0;
      let gm = 0;
      for (let i = 0; i < w * h; i++) {
        if (fg.map[i] && gd[i]) fm++;
        if (gb.map[i] && fd[i]) gm++;
      }
      precision = fm / fg.count;
      recall = gm / gb.count;
    }
    return {
      J: union === 0 ? 1 : inter / union,
      F: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    };
  };
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const blobMask = (w: number, h: number, values: number[]): BinaryMask => {
    const m = emptyMask(w, h);
    const n = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < n; k++) {
      const cy = rand() * h;
      const cx = rand() * w;
      const ry = 1 + rand() * h * 0.4;
      const rx = 1 + rand() * w * 0.4;
      const v = values[Math.floor(rand() * values.length)] as number;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          if (((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1) m.data[y * w + x] = v;
    }
    if (rand() < 0.3) for (let i = 0; i < m.data.length; i++) if (rand() < 0.01) m.data[i] = 1;
    return m;
  };
  it('on 120 random frame pairs with odd widths, border contact and values 1, 2, 255', () => {
    for (let c = 0; c < 120; c++) {
      const w = 5 + Math.floor(rand() * 90);
      const h = 3 + Math.floor(rand() * 60);
      const values = c % 3 === 0 ? [1, 2, 255] : [1];
      const gt = blobMask(w, h, values);
      const pred = rand() < 0.2 ? emptyMask(w, h) : blobMask(w, h, values);
      expect(frameJF(gt, pred), `case ${c} (${w}x${h})`).toEqual(reference(gt, pred));
    }
  });
});
