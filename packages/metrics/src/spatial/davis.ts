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
        b =
          (data[row + x + 1] !== 0) !== v ||
          (data[row + w + x] !== 0) !== v ||
          (data[row + w + x + 1] !== 0) !== v;
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

/** Inclusive bounding box of the foreground, or null for an empty mask. */
export interface PixelBox {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/**
 * Foreground bounding box. Rows: the empty prefix and suffix are skipped 4 pixels per step through a Uint32
 * view; columns: each row is only scanned outside the current [x0, x1], so the box interior is never read.
 */
export function foregroundBox(mask: BinaryMask): PixelBox | null {
  const { width: w, data } = mask;
  const len = data.length;
  let first = -1;
  let last = -1;
  const aligned = data.byteOffset % 4 === 0;
  const words = aligned ? new Uint32Array(data.buffer, data.byteOffset, len >> 2) : null;
  if (words) {
    for (let k = 0; k < words.length && first < 0; k++) {
      if (words[k] === 0) continue;
      for (let b = k << 2; b < (k << 2) + 4; b++)
        if (data[b] !== 0) {
          first = b;
          break;
        }
    }
    for (let b = words.length << 2; b < len && first < 0; b++) if (data[b] !== 0) first = b;
    if (first < 0) return null;
    for (let b = len - 1; b >= words.length << 2 && last < 0; b--) if (data[b] !== 0) last = b;
    for (let k = words.length - 1; k >= 0 && last < 0; k--) {
      if (words[k] === 0) continue;
      for (let b = (k << 2) + 3; b >= k << 2; b--)
        if (data[b] !== 0) {
          last = b;
          break;
        }
    }
  } else {
    for (let b = 0; b < len; b++)
      if (data[b] !== 0) {
        first = b;
        break;
      }
    if (first < 0) return null;
    for (let b = len - 1; b >= 0; b--)
      if (data[b] !== 0) {
        last = b;
        break;
      }
  }
  const y0 = (first / w) | 0;
  const y1 = (last / w) | 0;
  let x0 = w;
  let x1 = -1;
  for (let y = y0; y <= y1; y++) {
    const row = y * w;
    for (let x = 0; x < x0; x++)
      if (data[row + x] !== 0) {
        x0 = x;
        break;
      }
    for (let x = w - 1; x > x1; x--)
      if (data[row + x] !== 0) {
        x1 = x;
        break;
      }
  }
  return { y0, y1, x0, x1 };
}

function hull(a: PixelBox | null, b: PixelBox | null): PixelBox | null {
  if (!a) return b;
  if (!b) return a;
  return {
    y0: Math.min(a.y0, b.y0),
    y1: Math.max(a.y1, b.y1),
    x0: Math.min(a.x0, b.x0),
    x1: Math.max(a.x1, b.x1),
  };
}

/**
 * `_seg2bmap` restricted to a region (boundary pixels of a mask whose foreground lies in `box` can only be in
 * [y0-1, y1] x [x0-1, x1]). Writes 1s into `out` (region-local, row-major, size rh x rw) and returns the count.
 */
function regionBoundary(
  mask: BinaryMask,
  ry0: number,
  rx0: number,
  rh: number,
  rw: number,
  out: Uint8Array,
): number {
  const { width: w, height: h, data } = mask;
  out.fill(0, 0, rh * rw);
  let count = 0;
  for (let ly = 0; ly < rh; ly++) {
    const y = ry0 + ly;
    const row = y * w;
    const lastRow = y === h - 1;
    const below = row + w;
    const orow = ly * rw;
    for (let lx = 0; lx < rw; lx++) {
      const x = rx0 + lx;
      const v = data[row + x] !== 0;
      let b: boolean;
      if (lastRow) b = x < w - 1 && (data[row + x + 1] !== 0) !== v;
      else if (x === w - 1) b = (data[below + x] !== 0) !== v;
      else
        b =
          (data[row + x + 1] !== 0) !== v ||
          (data[below + x] !== 0) !== v ||
          (data[below + x + 1] !== 0) !== v;
      if (b) {
        out[orow + lx] = 1;
        count++;
      }
    }
  }
  return count;
}

/** Stamps disk(r) around every boundary run of `map` (region-local) into `out`, clipped to the region. */
function regionDilate(
  map: Uint8Array,
  rh: number,
  rw: number,
  half: Int32Array,
  r: number,
  out: Uint8Array,
): void {
  out.fill(0, 0, rh * rw);
  for (let y = 0; y < rh; y++) {
    const row = y * rw;
    let x = 0;
    while (x < rw) {
      if (map[row + x] === 0) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < rw && map[row + x] !== 0) x++;
      const x1 = x - 1;
      const yLo = Math.max(0, y - r);
      const yHi = Math.min(rh - 1, y + r);
      for (let yy = yLo; yy <= yHi; yy++) {
        const hw = half[yy - y + r] as number;
        const a = Math.max(0, x0 - hw);
        const b = Math.min(rw - 1, x1 + hw);
        out.fill(1, yy * rw + a, yy * rw + b + 1);
      }
    }
  }
}

// Reused scratch buffers (grown on demand): no per-frame allocation in the hot path.
let scratch = new Uint8Array(0);
const diskCache = new Map<number, Int32Array>();

/**
 * Per-frame J, boundary precision/recall and F exactly as DAVIS (`db_eval_iou`, `f_measure` with pred as the
 * official `foreground_mask`). Work is confined to the hull of both foreground boxes (plus the 1-px boundary
 * offset), so cost ~ box area + (boundary runs x disk rows) instead of the full frame.
 */
export function frameScores(
  gt: BinaryMask,
  pred: BinaryMask,
  boundTh = 0.008,
): { J: number; precision: number; recall: number; F: number } {
  assertSameSize(gt, pred);
  const { width: w, height: h } = pred;
  const box = hull(foregroundBox(gt), foregroundBox(pred));
  if (!box) return { J: 1, precision: 1, recall: 1, F: 1 };
  // J over the box (nothing outside it is foreground)
  let inter = 0;
  let union = 0;
  const g = gt.data;
  const p = pred.data;
  for (let y = box.y0; y <= box.y1; y++) {
    const row = y * w;
    for (let i = row + box.x0; i <= row + box.x1; i++) {
      const a = g[i] !== 0;
      const b = p[i] !== 0;
      if (a && b) inter++;
      if (a || b) union++;
    }
  }
  const J = union === 0 ? 1 : inter / union;
  // boundary maps in the region [y0-1, y1] x [x0-1, x1]
  const ry0 = Math.max(0, box.y0 - 1);
  const rx0 = Math.max(0, box.x0 - 1);
  const rh = box.y1 - ry0 + 1;
  const rw = box.x1 - rx0 + 1;
  const n = rh * rw;
  if (scratch.length < 4 * n) scratch = new Uint8Array(4 * n);
  const fgMap = scratch.subarray(0, n);
  const gtMap = scratch.subarray(n, 2 * n);
  const nFg = regionBoundary(pred, ry0, rx0, rh, rw, fgMap);
  const nGt = regionBoundary(gt, ry0, rx0, rh, rw, gtMap);
  let precision: number;
  let recall: number;
  if (nFg === 0 && nGt > 0) {
    precision = 1;
    recall = 0;
  } else if (nFg > 0 && nGt === 0) {
    precision = 0;
    recall = 1;
  } else if (nFg === 0 && nGt === 0) {
    precision = 1;
    recall = 1;
  } else {
    const r = boundaryTolerance(h, w, boundTh);
    let half = diskCache.get(r);
    if (!half) {
      half = diskHalfWidths(r);
      diskCache.set(r, half);
    }
    const fgDil = scratch.subarray(2 * n, 3 * n);
    const gtDil = scratch.subarray(3 * n, 4 * n);
    regionDilate(fgMap, rh, rw, half, r, fgDil);
    regionDilate(gtMap, rh, rw, half, r, gtDil);
    let fgMatch = 0;
    let gtMatch = 0;
    for (let i = 0; i < n; i++) {
      if (fgMap[i] !== 0 && gtDil[i] !== 0) fgMatch++;
      if (gtMap[i] !== 0 && fgDil[i] !== 0) gtMatch++;
    }
    precision = fgMatch / nFg;
    recall = gtMatch / nGt;
  }
  const F = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { J, precision, recall, F };
}

/** Per-frame boundary precision/recall/F of DAVIS `f_measure` (pred = the official `foreground_mask`). */
export function boundaryScores(
  gt: BinaryMask,
  pred: BinaryMask,
  boundTh = 0.008,
): { precision: number; recall: number; F: number } {
  const { precision, recall, F } = frameScores(gt, pred, boundTh);
  return { precision, recall, F };
}

/** DAVIS boundary F-measure of one frame. */
export function boundaryF(gt: BinaryMask, pred: BinaryMask, boundTh = 0.008): number {
  return boundaryScores(gt, pred, boundTh).F;
}

/** J and F of one frame. */
export function frameJF(gt: BinaryMask, pred: BinaryMask): { J: number; F: number } {
  const { J, F } = frameScores(gt, pred);
  return { J, F };
}
