// The page's pure logic (no DOM): framing of the NDJSON stream, which mask belongs on screen at a
// given time, the timeline geometry, and COCO RLE to RGBA pixels. Bundled into app.js and unit-tested
// in Node.
import { decodeRle } from '@videoloom/metrics';

/** A mask as the server sends it (COCO RLE, `size` = [height, width], column-major compressed counts). */
export interface PageMask {
  readonly frameIndex: number;
  readonly timeSeconds: number;
  readonly rle: { readonly size: readonly [number, number]; readonly counts: string };
}

/**
 * Splits NDJSON text as it arrives: complete lines out, the unfinished tail kept for the next chunk.
 * Empty lines are dropped.
 */
export function splitNdjson(
  carry: string,
  chunk: string,
): { readonly lines: string[]; readonly rest: string } {
  const text = carry + chunk;
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map((line) => line.trim()).filter((line) => line.length > 0), rest };
}

/**
 * How long a mask stays on screen after its own time: one frame when masks come for consecutive
 * frames, else the smallest gap between two masks (keyframe-only masks are held until the next one).
 */
export function maskHoldSeconds(times: readonly number[], fps: number): number {
  const frame = fps > 0 ? 1 / fps : 0;
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) {
    const d = (times[i] as number) - (times[i - 1] as number);
    if (d > 0 && d < gap) gap = d;
  }
  return Math.max(frame, Number.isFinite(gap) ? gap : frame);
}

/**
 * Index of the mask to draw at video time `t`: the last mask whose time is at or before `t` (with a
 * quarter-frame tolerance for the browser's rounding of currentTime), if `t` is within its hold;
 * -1 when no mask applies. `times` must be ascending.
 */
export function maskIndexAt(times: readonly number[], t: number, fps: number, holdSeconds: number): number {
  const tolerance = fps > 0 ? 0.25 / fps : 1e-3;
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= t + tolerance) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0) return -1;
  return t < (times[found] as number) + holdSeconds - tolerance ? found : -1;
}

/** Where the span sits on a timeline of `durationSeconds`, in percent of its width (clamped to 0..100). */
export function spanGeometry(
  span: { readonly startSeconds: number; readonly endSeconds: number },
  durationSeconds: number,
): { readonly leftPercent: number; readonly widthPercent: number } {
  if (!(durationSeconds > 0)) return { leftPercent: 0, widthPercent: 0 };
  const clamp = (x: number) => Math.min(100, Math.max(0, x));
  const left = clamp((span.startSeconds / durationSeconds) * 100);
  const right = clamp((span.endSeconds / durationSeconds) * 100);
  return { leftPercent: left, widthPercent: Math.max(0, right - left) };
}

/** `12.345` -> `"12.35 s"`. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

/**
 * Decodes a COCO RLE mask (with @videoloom/metrics' codec, the one the evaluators use) into RGBA
 * pixels for a canvas: foreground = `color`, background transparent.
 * Returns `data`: uint8 (clamped), shape (height, width, 4), row-major.
 */
export function rleToRgba(
  rle: PageMask['rle'],
  color: readonly [number, number, number, number],
): { readonly width: number; readonly height: number; readonly data: Uint8ClampedArray<ArrayBuffer> } {
  const mask = decodeRle(rle, 'mask');
  const data = new Uint8ClampedArray(mask.width * mask.height * 4);
  for (let i = 0; i < mask.data.length; i++) {
    if (mask.data[i] === 0) continue;
    data.set(color, i * 4);
  }
  return { width: mask.width, height: mask.height, data };
}
