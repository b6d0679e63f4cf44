import { type Tf, tf } from '@videoloom/backend';

type Tensor = ReturnType<Tf['tensor']>;
type Tensor2D = ReturnType<Tf['tensor2d']>;

export type { Tensor, Tensor2D };

type SaveFunction = (tensors: Tensor[]) => void;

let explicitTransposeGradients = true;

/**
 * Chooses how `matMul2d` differentiates: explicit transposes + plain matMuls (default), or tfjs's
 * own gradient (transpose flags). Exists so the benchmark can measure the difference.
 */
export function setExplicitTransposeGradients(enabled: boolean): void {
  explicitTransposeGradients = enabled;
}

/**
 * Plain 2-D matMul `a [m, k] @ b [k, n] -> [m, n]` whose gradient also uses plain matMuls on explicitly
 * transposed operands. On tfjs-wasm a matMul with transpose flags (what autodiff emits) leaves the fast
 * XNNPACK path and runs ~7x slower.
 */
export function matMul2d(a: Tensor, b: Tensor): Tensor2D {
  // Outside a gradient tape (inference) the custom-gradient wrapper is pure overhead.
  if (!explicitTransposeGradients || !tf.engine().isTapeOn()) return tf.matMul(a as Tensor2D, b as Tensor2D);
  const f = tf.customGrad((x, w, save) => {
    (save as SaveFunction)([x as Tensor, w as Tensor]);
    return {
      value: tf.matMul(x as Tensor2D, w as Tensor2D),
      gradFunc: (dy, saved) => {
        const [sx, sw] = saved as [Tensor2D, Tensor2D];
        return [tf.matMul(dy as Tensor2D, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy as Tensor2D)];
      },
    };
  });
  return f(a, b) as Tensor2D;
}

/**
 * Dense layer `x [..., in] -> [..., out]` with a weight stored transposed, `weightT [in, out]`
 * (checkpoints store `[out, in]`; the loader transposes once so every call is a plain matMul).
 */
export function linear(x: Tensor, weightT: Tensor, bias?: Tensor): Tensor {
  const inFeatures = x.shape[x.shape.length - 1] as number;
  const outFeatures = weightT.shape[1] as number;
  const rows = x.size / inFeatures;
  let y: Tensor = matMul2d(x.reshape([rows, inFeatures]), weightT);
  if (bias) y = tf.add(y, bias);
  return y.reshape([...x.shape.slice(0, -1), outFeatures]);
}

/** LayerNorm over the last axis with affine weight and bias; statistics in float32. */
export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), weight), bias);
}

/** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * weight (no mean subtraction, no bias). */
export function rmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight);
}

/** Exact (erf) GELU, as PyTorch's default `gelu`. */
export function gelu(x: Tensor): Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** SiLU (swish): x * sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/**
 * Row gather `table [R, C]` at `indices` (int32, any shape) -> `[...indices.shape, C]`. The gradient
 * is a one-hot product, because tfjs-wasm has no `UnsortedSegmentSum` (the gather gradient kernel).
 */
export function gatherRows(table: Tensor, indices: Tensor): Tensor {
  const rows = table.shape[0] as number;
  const columns = table.shape[1] as number;
  const flat = indices.reshape([indices.size]);
  if (!tf.engine().isTapeOn()) return tf.gather(table, flat).reshape([...indices.shape, columns]);
  const f = tf.customGrad((t, save) => {
    // Saved, so the indices outlive the tidy scope that created them until backward runs.
    (save as SaveFunction)([flat]);
    return {
      value: tf.gather(t as Tensor, flat),
      gradFunc: (dy, saved) => {
        const oneHot = tf.oneHot((saved as Tensor[])[0] as Tensor, rows).toFloat() as Tensor2D;
        return matMul2d(tf.transpose(oneHot), dy as Tensor2D);
      },
    };
  });
  return (f(table) as Tensor).reshape([...indices.shape, columns]);
}
