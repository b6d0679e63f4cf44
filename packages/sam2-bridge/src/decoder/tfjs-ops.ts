import { tf } from '@videoloom/backend';

/*
 * Matrix products whose backward passes stay on the wasm backend's fast path. Autodiff's default
 * gradient of `matMul(x, w)` uses `transposeA` / `transposeB` products, which the wasm backend runs
 * on a slow path (about 10× slower than a plain 2-D product); here the operands are transposed
 * explicitly, so every product in both directions is a plain 2-D one.
 */

const denseOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, ws.transpose()), tf.matMul(xs.transpose(), dy as tf.Tensor2D)];
    },
  };
});

/** `x` f32 [N, in] × `w` f32 [in, out] → f32 [N, out]; gradients for both operands. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return denseOp(x, w) as tf.Tensor2D;
}

const denseBiasOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      // The bias gradient as a product with a row of ones: a plain matMul instead of a column sum
      // (which the wasm backend computes as a transpose plus a row sum).
      const ones = tf.ones([1, d.shape[0]]) as tf.Tensor2D;
      return [
        tf.matMul(d, ws.transpose()),
        tf.matMul(xs.transpose(), d),
        tf.matMul(ones, d).reshape([d.shape[1]]),
      ];
    },
  };
});

/** `x` f32 [N, in] × `w` f32 [in, out] + `bias` f32 [out] → f32 [N, out]; gradients for all three. */
export function denseBias(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return denseBiasOp(x, w, bias) as tf.Tensor2D;
}

/**
 * `x` f32 [N, in] × a constant `w` f32 [in, out] → f32 [N, out], with `wT` = wᵀ f32 [out, in] given
 * up front (no gradient for the constant).
 */
export function matMulConstant(x: tf.Tensor2D, w: tf.Tensor2D, wT: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.matMul(args[0] as tf.Tensor2D, w),
    gradFunc: (dy: tf.Tensor) => tf.matMul(dy as tf.Tensor2D, wT),
  }));
  return op(x) as tf.Tensor2D;
}

/** Applies `dense` on the last axis of any-rank `x` [..., in] → [..., out], plus `bias` [out]. */
export function linearLastAxis(x: tf.Tensor, w: tf.Tensor2D, bias: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const flat = x.reshape([-1, shape[shape.length - 1] as number]) as tf.Tensor2D;
  return dense(flat, w)
    .add(bias)
    .reshape([...shape.slice(0, -1), w.shape[1]]);
}

/** Exact GELU, as `nn.GELU()`: 0.5·x·(1 + erf(x/√2)). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as T;
}

/** `tf.tidy` for a function returning a named object of tensors (kept), typed as that object. */
export function tidyObject<T extends object>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
