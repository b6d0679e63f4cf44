import { tf } from '@videoloom/backend';
import { TensorShapeError } from '../../errors/index.js';
import { batchedAttention } from '../../layers/attention.js';
import { gelu, layerNorm, linear, matMul2d, type Tensor } from '../../layers/ops.js';
import { linearSpecs, type ParameterSpec, type ParameterStore } from '../../weights/parameter-store.js';
import { bicubicMatrix } from './bicubic.js';
import type { VisionEncoderConfig } from './config.js';

const EMB = 'vision_model.embeddings';
const layerPrefix = (i: number) => `vision_model.encoder.layers.${i}`;

/** Checkpoint names and shapes of the vision encoder (section 13.1 of the model reference). */
export function visionParameterSpecs(c: VisionEncoderConfig): ParameterSpec[] {
  const C = c.hiddenSize;
  const grid = c.imageSize / c.patchSize;
  const g = 'vision' as const;
  const specs: ParameterSpec[] = [
    { name: `${EMB}.class_embedding`, shape: [1, 1, C], transposed: false, group: g, init: 'normal' },
    // The conv kernel is used as a Linear over flattened (channel, row, column) patches.
    {
      name: `${EMB}.patch_embedding.weight`,
      shape: [C, 3, c.patchSize, c.patchSize],
      transposed: false,
      group: g,
      init: 'normal',
    },
    { name: `${EMB}.patch_embedding.bias`, shape: [C], transposed: false, group: g, init: 'zeros' },
    {
      name: `${EMB}.position_embedding`,
      shape: [1, 1 + grid * grid, C],
      transposed: false,
      group: g,
      init: 'normal',
    },
  ];
  for (let i = 0; i < c.numLayers; i++) {
    const p = layerPrefix(i);
    specs.push(
      ...linearSpecs(`${p}.attn.qkv`, C, 3 * C, true, g),
      ...linearSpecs(`${p}.attn.proj`, C, C, true, g),
      ...linearSpecs(`${p}.mlp.fc1`, C, c.intermediateSize, true, g),
      ...linearSpecs(`${p}.mlp.fc2`, c.intermediateSize, C, true, g),
      { name: `${p}.norm1.weight`, shape: [C], transposed: false, group: g, init: 'ones' },
      { name: `${p}.norm1.bias`, shape: [C], transposed: false, group: g, init: 'zeros' },
      { name: `${p}.norm2.weight`, shape: [C], transposed: false, group: g, init: 'ones' },
      { name: `${p}.norm2.bias`, shape: [C], transposed: false, group: g, init: 'zeros' },
      { name: `${p}.ls1`, shape: [C], transposed: false, group: g, init: 'layer-scale' },
      { name: `${p}.ls2`, shape: [C], transposed: false, group: g, init: 'layer-scale' },
    );
  }
  return specs;
}

/** Checkpoint name of the motion patch embedding (see `motionParameterSpecs`). */
export const MOTION_EMBEDDING = `${EMB}.motion_embedding.weight`;

/**
 * The motion patch embedding, a VideoLoom-TS extension for models trained from scratch (InternViT has
 * none): a second patch kernel over the difference between a fast frame and the previous one, added to
 * the patch embedding, so every patch token sees what moved there. Pooled fast tokens otherwise carry
 * no motion, and a small decoder struggles to recover it from frame-to-frame token differences.
 */
export function motionParameterSpecs(c: VisionEncoderConfig): ParameterSpec[] {
  return [
    {
      name: MOTION_EMBEDDING,
      shape: [c.hiddenSize, 3, c.patchSize, c.patchSize],
      transposed: false,
      group: 'vision',
      init: 'normal',
    },
  ];
}

/**
 * Position embedding for a `gridHeight x gridWidth` patch grid: the trained square grid resized
 * bicubically (align_corners false); the class position is kept.
 *
 * @param positionEmbedding float32 `[1, 1 + g*g, C]`
 * @returns float32 `[1, 1 + gridHeight*gridWidth, C]`
 */
export function resizePositionEmbedding(
  positionEmbedding: Tensor,
  gridHeight: number,
  gridWidth: number,
): Tensor {
  const C = positionEmbedding.shape[2] as number;
  const g = Math.round(Math.sqrt((positionEmbedding.shape[1] as number) - 1));
  if (gridHeight === g && gridWidth === g) return positionEmbedding.clone();
  return tf.tidy(() => {
    const cls = positionEmbedding.slice([0, 0, 0], [1, 1, C]);
    const grid = positionEmbedding.slice([0, 1, 0], [1, g * g, C]).reshape([g, g * C]);
    const rows = matMul2d(tf.tensor2d(bicubicMatrix(g, gridHeight), [gridHeight, g]), grid); // [gh, g*C]
    const byColumn = tf.transpose(rows.reshape([gridHeight, g, C]), [1, 0, 2]).reshape([g, gridHeight * C]);
    const both = matMul2d(tf.tensor2d(bicubicMatrix(g, gridWidth), [gridWidth, g]), byColumn); // [gw, gh*C]
    const resized = tf
      .transpose(both.reshape([gridWidth, gridHeight, C]), [1, 0, 2])
      .reshape([1, gridHeight * gridWidth, C]);
    return tf.concat([cls, resized], 1);
  });
}

/**
 * InternViT forward: patch embedding, class token, position embedding, pre-norm blocks with layer
 * scale; the class token is dropped at the end (no final norm).
 *
 * @param pixels float32 `[n, 3, H, W]`, ImageNet-normalised, H and W multiples of patchSize
 * @param motion float32 `[n, 3, H, W]`: each frame minus the previous one (zeros where there is none),
 *   embedded by the motion kernel; only for models with one (`motionParameterSpecs`). @defaultValue null
 * @returns float32 `[n, (H/ps) * (W/ps), C]`, patch tokens in row-major order
 */
export function runVisionEncoder(
  params: ParameterStore,
  c: VisionEncoderConfig,
  pixels: Tensor,
  motion: Tensor | null = null,
): Tensor {
  if (
    pixels.rank !== 4 ||
    pixels.shape[1] !== 3 ||
    (pixels.shape[2] as number) % c.patchSize ||
    (pixels.shape[3] as number) % c.patchSize
  ) {
    throw new TensorShapeError(
      'pixels',
      `float32 [n, 3, H, W] with H, W multiples of ${c.patchSize}`,
      `[${pixels.shape.join(', ')}]`,
    );
  }
  if (motion && motion.shape.join() !== pixels.shape.join()) {
    throw new TensorShapeError(
      'motion',
      `the pixels' shape [${pixels.shape.join(', ')}]`,
      `[${motion.shape.join(', ')}]`,
    );
  }
  const [n, , height, width] = pixels.shape as [number, number, number, number];
  const ps = c.patchSize;
  const gh = height / ps;
  const gw = width / ps;
  const C = c.hiddenSize;
  const heads = c.numHeads;
  const hd = C / heads;
  return tf.tidy(() => {
    // Conv(kernel = stride = ps) as im2col + matMul: conv filters have no backprop kernel on wasm.
    const patchesOf = (images: Tensor) =>
      tf
        .transpose(images.reshape([n, 3, gh, ps, gw, ps]), [0, 2, 4, 1, 3, 5])
        .reshape([n * gh * gw, 3 * ps * ps]);
    const kernel = params.get(`${EMB}.patch_embedding.weight`).reshape([C, 3 * ps * ps]);
    let flat = tf.add(
      matMul2d(patchesOf(pixels), tf.transpose(kernel)),
      params.get(`${EMB}.patch_embedding.bias`),
    );
    if (motion) {
      const motionKernel = params.get(MOTION_EMBEDDING).reshape([C, 3 * ps * ps]);
      flat = tf.add(flat, matMul2d(patchesOf(motion), tf.transpose(motionKernel)));
    }
    const embedded = flat.reshape([n, gh * gw, C]);
    const cls = tf.tile(params.get(`${EMB}.class_embedding`), [n, 1, 1]);
    const position = resizePositionEmbedding(params.get(`${EMB}.position_embedding`), gh, gw);
    let x: Tensor = tf.add(tf.concat([cls, embedded], 1), position);
    const T = 1 + gh * gw;
    for (let i = 0; i < c.numLayers; i++) {
      const p = layerPrefix(i);
      const h = layerNorm(x, params.get(`${p}.norm1.weight`), params.get(`${p}.norm1.bias`), c.layerNormEps);
      const qkv = linear(h, params.get(`${p}.attn.qkv.weight`), params.get(`${p}.attn.qkv.bias`)); // [n, T, 3C]
      // Every image and head in one batched product: per-image loops cost thousands of tiny kernels
      // per training step, and the per-op overhead dominated (wasm: ~40% of a step).
      const split = tf.transpose(qkv.reshape([n, T, 3, heads, hd]), [2, 0, 3, 1, 4]); // [3, n, heads, T, hd]
      const q = split.slice([0, 0, 0, 0, 0], [1, n, heads, T, hd]).reshape([n * heads, T, hd]);
      const k = split.slice([1, 0, 0, 0, 0], [1, n, heads, T, hd]).reshape([n * heads, T, hd]);
      const v = split.slice([2, 0, 0, 0, 0], [1, n, heads, T, hd]).reshape([n * heads, T, hd]);
      const attended = tf
        .transpose(batchedAttention(q, k, v).reshape([n, heads, T, hd]), [0, 2, 1, 3])
        .reshape([n, T, C]);
      const projected = linear(
        attended,
        params.get(`${p}.attn.proj.weight`),
        params.get(`${p}.attn.proj.bias`),
      );
      x = tf.add(x, tf.mul(params.get(`${p}.ls1`), projected));
      const h2 = layerNorm(x, params.get(`${p}.norm2.weight`), params.get(`${p}.norm2.bias`), c.layerNormEps);
      const mlp = linear(
        gelu(linear(h2, params.get(`${p}.mlp.fc1.weight`), params.get(`${p}.mlp.fc1.bias`))),
        params.get(`${p}.mlp.fc2.weight`),
        params.get(`${p}.mlp.fc2.bias`),
      );
      x = tf.add(x, tf.mul(params.get(`${p}.ls2`), mlp));
    }
    return x.slice([0, 1, 0], [n, gh * gw, C]);
  });
}
