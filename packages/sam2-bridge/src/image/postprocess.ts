import type { BinaryMask } from '@videoloom/metrics';
import { Sam2InputError } from '../errors/input-error.js';

// One mask type for the workspace: metrics owns it (and its COCO RLE codec).
export type { BinaryMask };

/** Score SAM2 writes over masks of absent objects (`NO_OBJ_SCORE`). */
export const NO_OBJECT_SCORE = -1024;

/**
 * Bilinear resize of one logit map (align_corners = false, as `F.interpolate`), in one step from
 * the low-res grid to the output size. `logits` is inH×inW row-major; returns outH×outW.
 */
export function resizeLogitsBilinear(
  logits: Float32Array,
  inHeight: number,
  inWidth: number,
  outHeight: number,
  outWidth: number,
): Float32Array {
  if (logits.length !== inHeight * inWidth) {
    throw new Sam2InputError('mask logits', `${inHeight * inWidth} values`, `${logits.length} values`);
  }
  const out = new Float32Array(outHeight * outWidth);
  const sy = inHeight / outHeight;
  const sx = inWidth / outWidth;
  const xs0 = new Int32Array(outWidth);
  const xs1 = new Int32Array(outWidth);
  const xl = new Float32Array(outWidth);
  for (let x = 0; x < outWidth; x++) {
    const src = Math.max(0, (x + 0.5) * sx - 0.5); // PyTorch clamps negative source coords to 0
    const x0 = Math.min(Math.floor(src), inWidth - 1);
    xs0[x] = x0;
    xs1[x] = Math.min(x0 + 1, inWidth - 1);
    xl[x] = src - x0;
  }
  for (let y = 0; y < outHeight; y++) {
    const src = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(Math.floor(src), inHeight - 1);
    const y1 = Math.min(y0 + 1, inHeight - 1);
    const ly = src - y0;
    const r0 = y0 * inWidth;
    const r1 = y1 * inWidth;
    for (let x = 0; x < outWidth; x++) {
      const lx = xl[x] as number;
      const a =
        (logits[r0 + (xs0[x] as number)] as number) * (1 - lx) +
        (logits[r0 + (xs1[x] as number)] as number) * lx;
      const b =
        (logits[r1 + (xs0[x] as number)] as number) * (1 - lx) +
        (logits[r1 + (xs1[x] as number)] as number) * lx;
      out[y * outWidth + x] = a * (1 - ly) + b * ly;
    }
  }
  return out;
}

/** Logit > 0 → 1. */
export function thresholdLogits(logits: Float32Array, height: number, width: number): BinaryMask {
  const data = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) data[i] = (logits[i] as number) > 0 ? 1 : 0;
  return { height, width, data };
}

/**
 * SAM2's `fill_holes_in_mask_scores`: background components (logit ≤ 0, 8-connected) of at most
 * `maxArea` pixels get logit 0.1, so they become foreground. Returns a new array.
 */
export function fillHoles(
  logits: Float32Array,
  height: number,
  width: number,
  maxArea: number,
): Float32Array {
  const out = Float32Array.from(logits);
  if (maxArea <= 0) return out;
  const seen = new Uint8Array(height * width);
  const stack: number[] = [];
  const component: number[] = [];
  for (let start = 0; start < out.length; start++) {
    if (seen[start] || (out[start] as number) > 0) continue;
    component.length = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop() as number;
      component.push(p);
      const py = Math.floor(p / width);
      const px = p - py * width;
      for (let dy = -1; dy <= 1; dy++) {
        const y = py + dy;
        if (y < 0 || y >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          if (x < 0 || x >= width) continue;
          const q = y * width + x;
          if (!seen[q] && (out[q] as number) <= 0) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    if (component.length <= maxArea) for (const p of component) out[p] = 0.1;
  }
  return out;
}

/** Rounds float32 values to bfloat16 (round to nearest, ties to even), in place; as SAM2 stores memories. */
export function roundToBfloat16InPlace(values: Float32Array): Float32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i] as number;
    if ((b & 0x7f800000) === 0x7f800000) {
      bits[i] = b & 0xffff0000; // Inf / NaN: truncate (keeps NaN a NaN when the high mantissa bits are set)
      continue;
    }
    const rounding = 0x7fff + ((b >>> 16) & 1);
    bits[i] = ((b + rounding) & 0xffff0000) >>> 0;
  }
  return values;
}

/** Index (1..3) of the best multimask output by predicted IoU (4 scores from `offset`); ties go to the lowest. */
export function bestMultimaskIndex(iou: ArrayLike<number>, offset: number): number {
  let best = 1;
  for (let i = 2; i < 4; i++) if ((iou[offset + i] as number) > (iou[offset + best] as number)) best = i;
  return best;
}
