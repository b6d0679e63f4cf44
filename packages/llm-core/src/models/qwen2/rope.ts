import { tf } from '@videoloom/backend';
import { matMul2d, type Tensor } from '../../layers/ops.js';

/** cos/sin tables of rotate-half RoPE for consecutive positions. */
export interface RopeTables {
  /** float32 `[length, headDim]`: the headDim/2 angles repeated twice, `[f0..f(h/2-1), f0..f(h/2-1)]`. */
  readonly cos: Tensor;
  /** float32 `[length, headDim]`, same layout as `cos`. */
  readonly sin: Tensor;
  /**
   * float32 `[headDim, headDim]` signed permutation with `x @ rotation = rotate_half(x)`. A matMul
   * replaces split + neg + concat: tfjs-wasm's strided split of the last axis is slow.
   */
  readonly rotation: Tensor;
}

/**
 * RoPE tables for positions `start .. start + length - 1`: `inv_freq[i] = theta^(-2i/headDim)`,
 * angle = position * inv_freq[i]. Angles are computed in float64 and rounded once.
 */
export function ropeTables(start: number, length: number, headDim: number, theta: number): RopeTables {
  const half = headDim / 2;
  const cos = new Float32Array(length * headDim);
  const sin = new Float32Array(length * headDim);
  for (let p = 0; p < length; p++) {
    for (let i = 0; i < half; i++) {
      // Same float32 rounding of inv_freq as the reference implementations would see at fp32.
      const angle = (start + p) * theta ** (-(2 * i) / headDim);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + i] = c;
      cos[p * headDim + i + half] = c;
      sin[p * headDim + i] = s;
      sin[p * headDim + i + half] = s;
    }
  }
  const rotation = new Float32Array(headDim * headDim);
  for (let i = 0; i < half; i++) {
    rotation[(i + half) * headDim + i] = -1; // output i = -x[i + half]
    rotation[i * headDim + i + half] = 1; // output i + half = x[i]
  }
  return {
    cos: tf.tensor2d(cos, [length, headDim]),
    sin: tf.tensor2d(sin, [length, headDim]),
    rotation: tf.tensor2d(rotation, [headDim, headDim]),
  };
}

/**
 * Rotate-half RoPE: `x * cos + rotate_half(x) * sin`, `rotate_half([x1, x2]) = [-x2, x1]` (halves of
 * the head vector, not interleaved pairs).
 * @param x float32 `[heads, length, headDim]`
 * @returns float32, same shape
 */
export function applyRope(x: Tensor, tables: RopeTables): Tensor {
  const headDim = x.shape[x.rank - 1] as number;
  const rotated = matMul2d(x.reshape([x.size / headDim, headDim]), tables.rotation).reshape(x.shape);
  return tf.add(tf.mul(x, tables.cos), tf.mul(rotated, tables.sin));
}
