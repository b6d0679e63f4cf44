import { selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, denseBias, matMulConstant } from './tfjs-ops.js';

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('matrix products with explicitly transposed gradients', () => {
  beforeAll(() => selectTfjsBackend({ device: 'wasm', env: {} }));

  it('give the values and gradients of the plain products (every operand)', () => {
    const x = tf.randomNormal([37, 19], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([19, 11], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([11], 0, 1, 'float32', 3) as tf.Tensor1D;
    const upstream = tf.randomNormal([37, 11], 0, 1, 'float32', 4);
    const loss =
      (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) =>
      (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
        tf.sum(tf.mul(f(xs as tf.Tensor2D, ws as tf.Tensor2D, bs as tf.Tensor1D), upstream));
    const reference = tf.grads(loss((xs, ws, bs) => tf.matMul(xs, ws).add(bs)))([x, w, b]);
    const viaDense = tf.grads(loss((xs, ws, bs) => dense(xs, ws).add(bs)))([x, w, b]);
    const viaBias = tf.grads(loss((xs, ws, bs) => denseBias(xs, ws, bs)))([x, w, b]);
    for (const [i, g] of reference.entries()) {
      expect(maxAbs(viaDense[i] as tf.Tensor, g)).toBeLessThan(1e-4);
      expect(maxAbs(viaBias[i] as tf.Tensor, g)).toBeLessThan(1e-4);
      expect(maxAbs(g, tf.zerosLike(g))).toBeGreaterThan(0.1); // non-trivial gradients
    }
    expect(maxAbs(denseBias(x, w, b), tf.matMul(x, w).add(b))).toBeLessThan(1e-5);

    // A constant right factor: only x gets a gradient, and it is the plain product's.
    const wT = w.transpose() as tf.Tensor2D;
    const [gx] = tf.grads((xs: tf.Tensor) =>
      tf.sum(tf.mul(matMulConstant(xs as tf.Tensor2D, w, wT), upstream)),
    )([x]);
    const [want] = tf.grads((xs: tf.Tensor) => tf.sum(tf.mul(tf.matMul(xs as tf.Tensor2D, w), upstream)))([
      x,
    ]);
    expect(maxAbs(gx as tf.Tensor, want as tf.Tensor)).toBeLessThan(1e-4);
  });
});
