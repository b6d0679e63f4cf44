import { assertSameSize, type BinaryMask } from '../masks/binary-mask.js';

/** Intersection and union pixel counts of two same-size masks (nonzero = foreground). */
export function intersectionUnion(gt: BinaryMask, pred: BinaryMask): { intersection: number; union: number } {
  assertSameSize(gt, pred);
  const a = gt.data;
  const b = pred.data;
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const g = a[i] !== 0;
    const p = b[i] !== 0;
    if (g && p) inter++;
    if (g || p) union++;
  }
  return { intersection: inter, union };
}

/** DAVIS `db_eval_iou` on one frame: |G∧P| / |G∨P|, and 1 when both masks are empty. */
export function regionJ(gt: BinaryMask, pred: BinaryMask): number {
  const { intersection, union } = intersectionUnion(gt, pred);
  return union === 0 ? 1 : intersection / union;
}

/**
 * DAVIS `_seg2bmap`: a pixel is a boundary pixel when it differs from its E, S or SE neighbour (neighbours
 * inside the image only; last row: E only; last column: S only; the bottom-right pixel never).
 * Returns a row-major uint8 map (1 = boundary) and the boundary pixel count.
 */
export function boundaryMap(mask: BinaryMask): { map: Uint8Array; count: number } {
  const { width: w, height: h, data } = mask;
  const map = new Uint8Array(w * h);
  let count = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const lastRow = y === h - 1;
    for (let x = 0; x < w; x++) {
      const v = data[row + x] !== 0;
      let b: boolean;
      if (lastRow) {
        b = x < w - 1 && (data[row + x + 1] !== 0) !== v;
      } else if (x === w - 1) {
        b = (data[row + w + x] !== 0) !== v;
      } else {
        b = (data[row + x + 1] !== 0) !== v || (data[row + w + x] !== 0) !== v || (data[row + w + x + 1] !== 0) !== v;
      }
      if (b) {
        map[row + x] = 1;
        count++;
      }
    }
  }
  return { map, count };
}

/**
 * The DAVIS tolerance `ceil(0.008 * ||(H, W)||)` in float64 with numpy's operation order
 * (sqrt of H*H + W*W, then the product), so 3-4-5 sizes land exactly on integers as in the official code.
 */
export function boundaryTolerance(height: number, width: number, boundTh = 0.008): number {
  if (boundTh >= 1) return boundTh;
  return Math.ceil(boundTh * Math.sqrt(height * height + width * width));
}

/** Half-widths of scikit-image `disk(r)` per row offset dy = -r..r: the largest dx with dx² + dy² <= r². */
export function diskHalfWidths(r: number): Int32Array {
  const out = new Int32Array(2 * r + 1);
  for (let dy = -r; dy <= r; dy++) {
    let dx = 0;
    while ((dx + 1) * (dx + 1) + dy * dy <= r * r) dx++;
    out[dy + r] = dx;
  }
  return out;
}

/**
 * `cv2.dilate(bmap, disk(r))`: every boundary pixel stamps the disk. Horizontal runs of boundary pixels stamp
 * one merged span per disk row, so the cost is ~ (number of runs) x (2r + 1) row fills.
 */
export function dilateWithDisk(map: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const half = diskHalfWidths(r);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let x = 0;
    while (x < width) {
      if (map[row + x] === 0) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < width && map[row + x] !== 0) x++;
      const x1 = x - 1;
      const yLo = Math.max(0, y - r);
      const yHi = Math.min(height - 1, y + r);
      for (let yy = yLo; yy <= yHi; yy++) {
        const hw = half[yy - y + r] as number;
        const a = Math.max(0, x0 - hw);
        const b = Math.min(width - 1, x1 + hw);
        out.fill(1, yy * width + a, yy * width + b + 1);
      }
    }
  }
  return out;
}

/** Per-frame boundary precision/recall/F of DAVIS `f_measure` (pred = the official `foreground_mask`). */
export function boundaryScores(gt: BinaryMask, pred: BinaryMask, boundTh = 0.008): { precision: number; recall: number; F: number } {
  assertSameSize(gt, pred);
  const { width: w, height: h } = pred;
  const r = boundaryTolerance(h, w, boundTh);
  const fg = boundaryMap(pred);
  const gb = boundaryMap(gt);
  let precision: number;
  let recall: number;
  if (fg.count === 0 && gb.count > 0) {
    precision = 1;
    recall = 0;
  } else if (fg.count > 0 && gb.count === 0) {
    precision = 0;
    recall = 1;
  } else if (fg.count === 0 && gb.count === 0) {
    precision = 1;
    recall = 1;
  } else {
    const fgDil = dilateWithDisk(fg.map, w, h, r);
    const gtDil = dilateWithDisk(gb.map, w, h, r);
    let fgMatch = 0;
    let gtMatch = 0;
    for (let i = 0; i < fg.map.length; i++) {
      if (fg.map[i] !== 0 && gtDil[i] !== 0) fgMatch++;
      if (gb.map[i] !== 0 && fgDil[i] !== 0) gtMatch++;
    }
    precision = fgMatch / fg.count;
    recall = gtMatch / gb.count;
  }
  const F = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, F };
}

/** DAVIS boundary F-measure of one frame. */
export function boundaryF(gt: BinaryMask, pred: BinaryMask, boundTh = 0.008): number {
  return boundaryScores(gt, pred, boundTh).F;
}

/** J and F of one frame. */
export function frameJF(gt: BinaryMask, pred: BinaryMask): { J: number; F: number } {
  return { J: regionJ(gt, pred), F: boundaryF(gt, pred) };
}
