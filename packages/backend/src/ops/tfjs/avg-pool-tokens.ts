import { OP_NAMES } from '../../op-names.js';
import { tf } from '../../tfjs/tf.js';
import type { KernelConfig } from '../kernel-registry.js';

/**
 * [frames, h, w, c] -> [frames, h/k, w/k, c] by k x k mean. Written with reshape + mean rather than
 * tf.avgPool so it has a gradient on every backend (wasm lacks some pooling gradients).
 */
export function avgPoolTokens(grid: tf.Tensor4D, k: number): tf.Tensor4D {
  const [frames, h, w, c] = grid.shape;
  if (h % k !== 0 || w % k !== 0) {
    throw new RangeError(`avgPoolTokens: grid ${h}x${w} is not divisible by pool size ${k}.`);
  }
  return tf.tidy(() => grid.reshape([frames, h / k, k, w / k, k, c]).mean([2, 4]) as tf.Tensor4D);
}

export const avgPoolTokensConfig: KernelConfig<[tf.Tensor4D, number], tf.Tensor4D> = {
  opName: OP_NAMES.avgPoolTokens,
  backendNames: ['cpu', 'wasm', 'tensorflow'],
  kernelFunc: avgPoolTokens,
};
