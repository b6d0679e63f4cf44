import { tf } from '@videoloom/backend';
import { SAM2_DIMS } from '../stages/contract.js';
import type { WeightTensor } from '../weights/safetensors.js';
import {
  TINY_ATTENTION_DIM,
  TINY_MEMORY_POOL,
  type TinyStageName,
  type TinyStageWeights,
  tinyStageWeightShapes,
} from './tiny-stage-weights.js';

/** Weights of the three tiny stages. */
export type TinyStagesWeights = Readonly<Record<TinyStageName, TinyStageWeights>>;

/** Outputs of the tiny image encoder (NCHW, the `image_encoder` contract). */
export interface TinyImageFeatures {
  /** [B, 256, 64, 64] */
  readonly visionFeat: tf.Tensor4D;
  /** [B, 256, 64, 64] = visionFeat + no_mem_embed */
  readonly pixFeatNoMem: tf.Tensor4D;
  /** [B, 32, 256, 256] */
  readonly highResFeat0: tf.Tensor4D;
  /** [B, 64, 128, 128] */
  readonly highResFeat1: tf.Tensor4D;
}

const STAGES: readonly TinyStageName[] = ['image_encoder', 'memory_encoder', 'memory_attention'];

/**
 * The tiny image encoder, memory encoder and memory attention in TensorFlow.js, computing what their
 * ONNX graphs (`@videoloom/sam2-bridge/testing`) compute from the same weights, with every parameter a
 * `tf.Variable`: the synthetic end-to-end model can train them from scratch, then export graphs.
 * Pooling is reshape + mean and lookups are one-hot products, so every gradient exists on wasm.
 */
export class TfjsTinyStages {
  private constructor(readonly variables: ReadonlyMap<string, tf.Variable>) {}

  static fromWeights(weights: TinyStagesWeights, options: { trainable?: boolean } = {}): TfjsTinyStages {
    const variables = new Map<string, tf.Variable>();
    for (const stage of STAGES) {
      for (const [name, dims] of tinyStageWeightShapes(stage)) {
        const t = weights[stage].get(name);
        if (!t || t.dims.join() !== dims.join()) {
          throw new RangeError(
            `tiny ${stage} weights: ${name} must be [${dims}], got ${t ? `[${t.dims}]` : 'nothing'}`,
          );
        }
        variables.set(
          `${stage}/${name}`,
          tf.variable(tf.tensor(t.data, [...dims]), options.trainable ?? true),
        );
      }
    }
    return new TfjsTinyStages(variables);
  }

  /** The current values, ready for the ONNX builders or safetensors. */
  toWeights(): Record<TinyStageName, TinyStageWeights> {
    const out = {} as Record<TinyStageName, Map<string, WeightTensor>>;
    for (const stage of STAGES) {
      out[stage] = new Map();
      for (const [name, dims] of tinyStageWeightShapes(stage)) {
        const v = this.v(stage, name);
        out[stage].set(name, { dims, data: Float32Array.from(v.dataSync() as Float32Array) });
      }
    }
    return out;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
  }

  /** `image` [B, 3, 1024, 1024], normalised (any side divisible by 16 works: the stages are size-generic). */
  imageEncoder(image: tf.Tensor4D): TinyImageFeatures {
    return tf.tidy(() => {
      const conv = (stride: number, name: string) =>
        tf.tanh(
          conv1x1(
            avgPool(image, stride),
            this.v('image_encoder', `${name}.weight`),
            this.v('image_encoder', `${name}.bias`),
          ),
        );
      const visionFeat = conv(16, 'trunk16') as tf.Tensor4D;
      return {
        visionFeat,
        pixFeatNoMem: tf.add(visionFeat, this.v('image_encoder', 'no_mem_embed')) as tf.Tensor4D,
        highResFeat0: conv(4, 'conv_s0') as tf.Tensor4D,
        highResFeat1: conv(8, 'conv_s1') as tf.Tensor4D,
      };
    });
  }

  /** `visionFeat` [B,256,64,64], `maskLogits` [B,1,256,256], `objectScoreLogits` [B,1] → [B,64,64,64]. */
  memoryEncoder(
    visionFeat: tf.Tensor4D,
    maskLogits: tf.Tensor4D,
    objectScoreLogits: tf.Tensor2D,
  ): tf.Tensor4D {
    return tf.tidy(() => {
      const w = (name: string) => this.v('memory_encoder', name);
      const scaled = tf.sub(tf.mul(tf.sigmoid(maskLogits), 20), 10) as tf.Tensor4D;
      const pooled = avgPool(scaled, maskLogits.shape[2] / visionFeat.shape[2]);
      const fused = tf.tanh(
        tf.add(
          conv1x1(pooled, w('mask_proj.weight'), w('mask_proj.bias')),
          conv1x1(visionFeat, w('pix_proj.weight'), w('pix_proj.bias')),
        ),
      );
      const absent = tf.cast(tf.lessEqual(objectScoreLogits, 0), 'float32').reshape([-1, 1, 1, 1]);
      return tf.add(fused, tf.mul(absent, w('no_obj_embed_spatial'))) as tf.Tensor4D;
    });
  }

  /**
   * `visionFeat` [B,256,64,64]; `maskmemFeatures` [N,B,64,64,64]; `temporalIndices` N values in
   * 0..6; `objPtrs` [P,B,256]; `objPtrTpos` [P] → `pix_feat_with_mem` [B,256,64,64].
   */
  memoryAttention(
    visionFeat: tf.Tensor4D,
    maskmemFeatures: tf.Tensor5D,
    temporalIndices: readonly number[],
    objPtrs: tf.Tensor3D,
    objPtrTpos: tf.Tensor1D,
  ): tf.Tensor4D {
    const { embedDim: C, memDim: M } = SAM2_DIMS;
    const S = visionFeat.shape[2]; // 64 under the contract; smaller grids for small synthetic models
    return tf.tidy(() => {
      const w = (name: string) => this.v('memory_attention', name);
      const [B] = visionFeat.shape;
      const [N] = maskmemFeatures.shape;
      const tokens = visionFeat.reshape([B, C, S * S]).transpose([0, 2, 1]) as tf.Tensor3D;
      const q = matmulLast(tokens, w('q.weight'));
      const oneHot = tf.oneHot(tf.tensor1d(temporalIndices as number[], 'int32'), 7).toFloat() as tf.Tensor2D;
      const tpos = tf.matMul(oneHot, w('maskmem_tpos_enc') as tf.Tensor2D).reshape([N, 1, M, 1, 1]);
      const withTpos = tf.add(maskmemFeatures, tpos).reshape([N * B, M, S, S]) as tf.Tensor4D;
      const side = S / TINY_MEMORY_POOL;
      const spatial = avgPool(withTpos, TINY_MEMORY_POOL)
        .reshape([N, B, M, side * side])
        .transpose([1, 0, 3, 2])
        .reshape([B, N * side * side, M]);
      let memory = spatial;
      const P = objPtrs.shape[0];
      if (P > 0) {
        const code = tf.matMul(objPtrTpos.reshape([P, 1]), w('ptr_tpos.weight') as tf.Tensor2D); // [P, C]
        const ptrs = tf
          .add(objPtrs, code.reshape([P, 1, C]))
          .transpose([1, 0, 2])
          .reshape([B, P * (C / M), M]);
        memory = tf.concat([spatial, ptrs], 1);
      }
      const k = matmulLast(memory as tf.Tensor3D, w('k.weight'));
      const v = matmulLast(memory as tf.Tensor3D, w('v.weight'));
      const scores = tf.matMul(q, k.transpose([0, 2, 1])).mul(1 / Math.sqrt(TINY_ATTENTION_DIM));
      const attended = tf.matMul(tf.softmax(scores), v);
      const out = tf.add(tokens, matmulLast(attended as tf.Tensor3D, w('o.weight')));
      return out.transpose([0, 2, 1]).reshape([B, C, S, S]) as tf.Tensor4D;
    });
  }

  private v(stage: TinyStageName, name: string): tf.Variable {
    return this.variables.get(`${stage}/${name}`) as tf.Variable;
  }
}

/**
 * Average pooling with a k×k window and stride k on NCHW, as reshape + sums (differentiable on wasm,
 * and ~15× faster there than a mean over two inner axes of a rank-6 view).
 */
function avgPool(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const [b, c, h, w] = x.shape;
  return x
    .reshape([b * c * (h / k), k, w / k, k])
    .sum(3)
    .sum(1)
    .mul(1 / (k * k))
    .reshape([b, c, h / k, w / k]) as tf.Tensor4D;
}

/** 1×1 convolution on NCHW with a PyTorch-layout weight [cout, cin, 1, 1], as a plain 2-D matMul. */
function conv1x1(x: tf.Tensor4D, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
  const [b, cin, h, w] = x.shape;
  const cout = weight.shape[0] as number;
  const flat = x.transpose([0, 2, 3, 1]).reshape([b * h * w, cin]) as tf.Tensor2D;
  const y = tf.matMul(flat, weight.reshape([cout, cin]).transpose() as tf.Tensor2D).add(bias);
  return y.reshape([b, h, w, cout]).transpose([0, 3, 1, 2]) as tf.Tensor4D;
}

/** [B, T, in] × [in, out] as one 2-D matMul. */
function matmulLast(x: tf.Tensor3D, weight: tf.Tensor): tf.Tensor3D {
  const [b, t, inDim] = x.shape;
  const out = weight.shape[1] as number;
  return tf
    .matMul(x.reshape([b * t, inDim]) as tf.Tensor2D, weight as tf.Tensor2D)
    .reshape([b, t, out]) as tf.Tensor3D;
}
