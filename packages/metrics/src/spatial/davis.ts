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
    // leftmost nonzero in [row, row + x0): bytes up to a word boundary, then 4 pixels per read
    let i = row;
    const leftEnd = row + x0;
    while (i < leftEnd && (i & 3) !== 0 && data[i] === 0) i++;
    if (words && (i & 3) === 0) {
      while (i + 4 <= leftEnd && words[i >> 2] === 0) i += 4;
    }
    while (i < leftEnd && data[i] === 0) i++;
    if (i < leftEnd) x0 = i - row;
    // rightmost nonzero in (row + x1, row + w)
    let j = row + w - 1;
    const rightEnd = row + x1;
    while (j > rightEnd && ((j + 1) & 3) !== 0 && data[j] === 0) j--;
    if (words && ((j + 1) & 3) === 0) {
      while (j - 4 >= rightEnd && words[(j - 3) >> 2] === 0) j -= 4;
    }
    while (j > rightEnd && data[j] === 0) j--;
    if (j > rightEnd) x1 = j - row;
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

// Reused scratch buffers (grown on demand): no per-frame allocation in the hot path.
let xsScratch = new Int32Array(0);
let rowsScratch = new Int32Array(0);
const diskCache = new Map<number, Int32Array>();

/** Boundary pixels of one mask in region-local coordinates, as sorted x lists per row (CSR layout). */
interface RowLists {
  /** x positions; row `ly` owns `xs[rowStart[ly] .. rowStart[ly + 1])`. */
  readonly xs: Int32Array;
  readonly rowStart: Int32Array;
  readonly count: number;
}

/**
 * One fused pass over the region [ry0, ry0+rh) x [rx0, rx0+rw): intersection/union counts and the `_seg2bmap`
 * boundary pixels of both masks (E/S/SE rule with the image-edge cases), each neighbour read once.
 */
function fusedScan(
  gt: BinaryMask,
  pred: BinaryMask,
  ry0: number,
  rx0: number,
  rh: number,
  rw: number,
): { inter: number; union: number; g: RowLists; p: RowLists } {
  const { width: w, height: h } = gt;
  const gd = gt.data;
  const pd = pred.data;
  const gv = new DataView(gd.buffer, gd.byteOffset, gd.byteLength);
  const pv = new DataView(pd.buffer, pd.byteOffset, pd.byteLength);
  const n = rh * rw;
  if (xsScratch.length < 2 * n) xsScratch = new Int32Array(2 * n);
  if (rowsScratch.length < 2 * (rh + 1)) rowsScratch = new Int32Array(2 * (rh + 1));
  const gXs = xsScratch.subarray(0, n);
  const pXs = xsScratch.subarray(n, 2 * n);
  const gRows = rowsScratch.subarray(0, rh + 1);
  const pRows = rowsScratch.subarray(rh + 1, 2 * (rh + 1));
  let gc = 0;
  let pc = 0;
  let inter = 0;
  let union = 0;
  for (let ly = 0; ly < rh; ly++) {
    gRows[ly] = gc;
    pRows[ly] = pc;
    const y = ry0 + ly;
    const row = y * w;
    const last = y === h - 1;
    const below = row + w;
    let g0 = gd[row + rx0] !== 0;
    let p0 = pd[row + rx0] !== 0;
    let gs0 = !last && gd[below + rx0] !== 0;
    let ps0 = !last && pd[below + rx0] !== 0;
    for (let lx = 0; lx < rw; lx++) {
      // Fast path: pixels x..x+3 and their E/S/SE neighbours all equal (binary 0/1 data) -> no boundary.
      // Other nonzero values (255, GT sums) never match the 0x01010101 pattern and take the exact path.
      while (!last && lx + 4 <= rw && g0 === gs0 && p0 === ps0) {
        const x4 = rx0 + lx;
        if (x4 + 4 >= w) break;
        const ug = g0 ? 0x01010101 : 0;
        const up = p0 ? 0x01010101 : 0;
        if (
          gv.getUint32(row + x4 + 1, true) !== ug ||
          gv.getUint32(below + x4 + 1, true) !== ug ||
          pv.getUint32(row + x4 + 1, true) !== up ||
          pv.getUint32(below + x4 + 1, true) !== up
        )
          break;
        if (g0 || p0) {
          union += 4;
          if (g0 && p0) inter += 4;
        }
        lx += 4;
      }
      if (lx >= rw) break;
      const x = rx0 + lx;
      const hasE = x < w - 1;
      const g1 = hasE && gd[row + x + 1] !== 0;
      const p1 = hasE && pd[row + x + 1] !== 0;
      const gs1 = hasE && !last && gd[below + x + 1] !== 0;
      const ps1 = hasE && !last && pd[below + x + 1] !== 0;
      if (g0 || p0) {
        union++;
        if (g0 && p0) inter++;
      }
      let gb: boolean;
      let pb: boolean;
      if (last) {
        gb = hasE && g0 !== g1;
        pb = hasE && p0 !== p1;
      } else if (!hasE) {
        gb = g0 !== gs0;
        pb = p0 !== ps0;
      } else {
        gb = g0 !== g1 || g0 !== gs0 || g0 !== gs1;
        pb = p0 !== p1 || p0 !== ps0 || p0 !== ps1;
      }
      if (gb) gXs[gc++] = lx;
      if (pb) pXs[pc++] = lx;
      g0 = g1;
      p0 = p1;
      gs0 = gs1;
      ps0 = ps1;
    }
  }
  gRows[rh] = gc;
  pRows[rh] = pc;
  return {
    inter,
    union,
    g: { xs: gXs, rowStart: gRows, count: gc },
    p: { xs: pXs, rowStart: pRows, count: pc },
  };
}

/**
 * Number of boundary pixels of `a` with a boundary pixel of `b` inside disk(r), i.e. the pixels of `a` that
 * `cv2.dilate(b, disk(r))` covers. Searches the rows of `b` outwards from the pixel's own row and stops at
 * the first hit, so matched pixels cost a few row lookups.
 */
function countMatched(a: RowLists, b: RowLists, rh: number, half: Int32Array, r: number): number {
  let matched = 0;
  const bxs = b.xs;
  const brs = b.rowStart;
  for (let ly = 0; ly < rh; ly++) {
    for (let k = a.rowStart[ly] as number; k < (a.rowStart[ly + 1] as number); k++) {
      const x = a.xs[k] as number;
      let found = false;
      for (let d = 0; d <= r && !found; d++) {
        const hw = half[d + r] as number;
        for (let side = 0; side < (d === 0 ? 1 : 2) && !found; side++) {
          const yy = side === 0 ? ly + d : ly - d;
          if (yy < 0 || yy >= rh) continue;
          // first x' >= x - hw in row yy, then test x' <= x + hw
          let lo = brs[yy] as number;
          let hi = brs[yy + 1] as number;
          const target = x - hw;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if ((bxs[mid] as number) < target) lo = mid + 1;
            else hi = mid;
          }
          if (lo < (brs[yy + 1] as number) && (bxs[lo] as number) <= x + hw) found = true;
        }
      }
      if (found) matched++;
    }
  }
  return matched;
}

/**
 * Per-frame J, boundary precision/recall and F exactly as DAVIS (`db_eval_iou`, `f_measure` with pred as the
 * official `foreground_mask`). Work is confined to the hull of both foreground boxes (plus the 1-px boundary
 * offset): one fused scan of that region, then a disk search per boundary pixel instead of full dilations.
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
  // boundary pixels of a mask inside `box` lie in [y0-1, y1] x [x0-1, x1]; outside the box nothing is foreground
  const ry0 = Math.max(0, box.y0 - 1);
  const rx0 = Math.max(0, box.x0 - 1);
  const rh = box.y1 - ry0 + 1;
  const rw = box.x1 - rx0 + 1;
  const scan = fusedScan(gt, pred, ry0, rx0, rh, rw);
  const J = scan.union === 0 ? 1 : scan.inter / scan.union;
  const nFg = scan.p.count;
  const nGt = scan.g.count;
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
    precision = countMatched(scan.p, scan.g, rh, half, r) / nFg;
    recall = countMatched(scan.g, scan.p, rh, half, r) / nGt;
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
