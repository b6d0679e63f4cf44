import type { BinaryMask } from '../masks/binary-mask.js';
import { intersectionUnion } from './davis.js';

/** Intersection/union of one RefCOCO expression; a missing prediction (no [SEG]) is an all-zero mask. */
export function refcocoCounts(
  gt: BinaryMask,
  pred: BinaryMask | null,
): { intersection: number; union: number } {
  if (pred === null) {
    let u = 0;
    for (const v of gt.data) if (v !== 0) u++;
    return { intersection: 0, union: u };
  }
  return intersectionUnion(gt, pred);
}

/**
 * RefCOCO cIoU = ΣI / ΣU and gIoU = mean of I/U with both-empty -> 1, from exact integer sums. (Sa2VA's
 * code accumulates in float32 with 1e-10 / 1e-5 epsilons; the difference is ~1e-16 for cIoU and ~1e-6 for
 * gIoU, see the spatial spec, and is not emulated.)
 */
export function scoreRefCoco(items: readonly { intersection: number; union: number }[]): {
  cIoU: number;
  gIoU: number;
  perItem: number[];
} {
  let si = 0;
  let su = 0;
  let g = 0;
  const perItem: number[] = [];
  for (const { intersection: i, union: u } of items) {
    si += i;
    su += u;
    const iou = u === 0 ? 1 : i / u;
    perItem.push(iou);
    g += iou;
  }
  const n = items.length;
  return {
    cIoU: su === 0 ? 0 : si / su,
    gIoU: n === 0 ? Number.NaN : g / n,
    perItem,
  };
}
