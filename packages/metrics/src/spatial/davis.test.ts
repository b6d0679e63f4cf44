import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BinaryMask, emptyMask } from '../masks/binary-mask.js';
import { decodeRle, maskToRunLengths } from '../masks/rle.js';
import { boundaryMap, boundaryTolerance, diskHalfWidths, frameJF } from './davis.js';

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
