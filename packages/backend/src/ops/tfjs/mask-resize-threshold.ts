import { OP_NAMES } from '../../op-names.js';
import { tf } from '../../tfjs/tf.js';
import type { KernelConfig } from '../kernel-registry.js';

/**
 * [n, h, w] logits -> [n, outH, outW] bool: one bilinear resize (align_corners=false, half-pixel centres,
 * as torch's F.interpolate) and a threshold at 0.
 */
export function maskResizeThreshold(logits: tf.Tensor3D, outHeight: number, outWidth: number): tf.Tensor3D {
  return tf.tidy(() => {
    const resized = tf.image.resizeBilinear(
      logits.expandDims(-1) as tf.Tensor4D,
      [outHeight, outWidth],
      false,
      true,
    );
    return resized.squeeze([3]).greater(0) as tf.Tensor3D;
  });
}

export const maskResizeThresholdConfig: KernelConfig<[tf.Tensor3D, number, number], tf.Tensor3D> = {
  opName: OP_NAMES.maskResizeThreshold,
  backendNames: ['cpu', 'wasm', 'tensorflow'],
  kernelFunc: maskResizeThreshold,
};
