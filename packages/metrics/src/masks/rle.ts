import { MaskFormatError } from '../errors/index.js';
import type { BinaryMask } from './binary-mask.js';

/** COCO run-length encoding as pycocotools writes it: `size` = [height, width], counts column-major. */
export interface CocoRle {
  readonly size: readonly [number, number];
  /** Compressed string (pycocotools `rleToString`) or the uncompressed list of run lengths. */
  readonly counts: string | readonly number[];
}

/** Run lengths in column-major (Fortran) order, starting with a background run (possibly 0). */
export function maskToRunLengths(mask: BinaryMask): number[] {
  const { width: w, height: h, data } = mask;
  const counts: number[] = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const v = data[y * w + x] !== 0 ? 1 : 0;
      if (v !== prev) {
        counts.push(run);
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** pycocotools `rleToString`: LEB128-like 5-bit groups offset by 48, counts after the 2nd stored as deltas. */
export function runLengthsToString(counts: readonly number[]): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i] as number;
    if (i > 2) x -= counts[i - 2] as number;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** pycocotools `rleFrString`. */
export function stringToRunLengths(s: string, path = '<rle>'): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length)
        throw new MaskFormatError(path, 'a complete compressed RLE string', `a string truncated at ${p}`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63)
        throw new MaskFormatError(path, 'RLE characters in "0".."o"', JSON.stringify(s[p]));
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2] as number;
    counts.push(x);
  }
  return counts;
}

/** Encodes a mask as COCO RLE with a compressed string (what `mask_utils.encode` returns, decoded to str). */
export function encodeRle(mask: BinaryMask): CocoRle {
  return { size: [mask.height, mask.width], counts: runLengthsToString(maskToRunLengths(mask)) };
}

/** Decodes COCO RLE (string or list counts) into a row-major binary mask. */
export function decodeRle(rle: CocoRle, path = '<rle>', frameIndex?: number): BinaryMask {
  if (!rle || !Array.isArray(rle.size) || rle.size.length !== 2) {
    throw new MaskFormatError(
      path,
      'an RLE object {"size": [height, width], "counts": ...}',
      JSON.stringify(rle)?.slice(0, 60) ?? String(rle),
      frameIndex,
    );
  }
  const [h, w] = rle.size;
  const counts = typeof rle.counts === 'string' ? stringToRunLengths(rle.counts, path) : rle.counts;
  const total = h * w;
  const data = new Uint8Array(total);
  let pos = 0;
  let v = 0;
  for (const c of counts) {
    if (c < 0 || pos + c > total) {
      throw new MaskFormatError(
        path,
        `run lengths summing to ${total} (${h}x${w})`,
        `a run reaching ${pos + c}`,
        frameIndex,
      );
    }
    if (v === 1) {
      for (let i = pos; i < pos + c; i++) {
        // column-major index i -> (y = i % h, x = floor(i / h))
        data[(i % h) * w + Math.floor(i / h)] = 1;
      }
    }
    pos += c;
    v ^= 1;
  }
  if (pos !== total)
    throw new MaskFormatError(path, `run lengths summing to ${total} (${h}x${w})`, `${pos}`, frameIndex);
  return { width: w, height: h, data };
}
