import { tf } from '@videoloom/backend';
import { Sam2InputError } from '../errors/input-error.js';
import { bestMultimaskIndex } from '../image/postprocess.js';
import type { WeightTensor } from '../weights/safetensors.js';
import {
  DECODER_PREFIX,
  denseImagePositionalEncoding,
  type MaskDecoderConfig,
  type MaskDecoderWeights,
  maskDecoderWeightShapes,
  NUM_MASK_TOKENS,
} from './mask-decoder-weights.js';
import { dense, gelu, linearLastAxis, tidyObject } from './tfjs-ops.js';

/** The mask decoder's outputs, as the ONNX `mask_decoder` graph names them (reference §5). */
export interface TfjsMaskDecoderOutput {
  /** [B, 4, 4S, 4S] mask logits (256×256 at S = 64), all 4 tokens. */
  readonly lowResMasks: tf.Tensor4D;
  /** [B, 4] predicted IoU (sigmoid). */
  readonly iouPred: tf.Tensor2D;
  /** [B, 4, C] object pointer of each mask token, `no_obj_ptr` applied where the object score ≤ 0. */
  readonly objPtr: tf.Tensor3D;
  /** [B, 1] object-present logit. */
  readonly objectScoreLogits: tf.Tensor2D;
}

/** What the decoder reads per frame (the image encoder's outputs, NCHW float32). */
export interface TfjsMaskDecoderInput {
  /** [B, C, S, S]: `pix_feat_no_mem` on keyframes / in training, `pix_feat_with_mem` on tracked frames. */
  readonly imageEmbed: tf.Tensor4D;
  /** [B, C/8, 4S, 4S] (after `conv_s0`). */
  readonly highResFeat0: tf.Tensor4D;
  /** [B, C/4, 2S, 2S] (after `conv_s1`). */
  readonly highResFeat1: tf.Tensor4D;
  /** [B, K, C]: K = 1 for the [SEG] embedding, 0 on tracked frames. Gradients flow into it. */
  readonly promptEmbed: tf.Tensor3D;
}

/**
 * The decoder's inputs in the layout the decoder computes in (channels last), for callers that
 * produce features that way (the tiny trainable SAM2): no NCHW round trip, no extra transposes.
 */
export interface TfjsMaskDecoderTokensInput {
  /** f32 [B, S*S, C]: the image embedding as row-major grid tokens. */
  readonly imageTokens: tf.Tensor3D;
  /** f32 [B, 4S, 4S, C/8] (NHWC). */
  readonly highResFeat0: tf.Tensor4D;
  /** f32 [B, 2S, 2S, C/4] (NHWC). */
  readonly highResFeat1: tf.Tensor4D;
  /** f32 [B, K, C]. */
  readonly promptEmbed: tf.Tensor3D;
}

/** Loss weights of Sa2VA's mask loss (reference §8). */
export interface MaskLossOptions {
  /** @defaultValue 2.0 */
  readonly bceWeight?: number;
  /** @defaultValue 0.5 */
  readonly diceWeight?: number;
  /** Dice smoothing ε. @defaultValue 1 */
  readonly diceEps?: number;
}

/**
 * SAM2's mask decoder (two-way transformer, upscaling, hypernetworks, IoU / object-score heads, object
 * pointer MLP) in TensorFlow.js, with every parameter a `tf.Variable` so it trains, and the prompt
 * embedding an ordinary tensor so gradients reach the [SEG] head upstream. It computes what the ONNX
 * `mask_decoder` graph built from the same weights computes.
 */
export class TfjsMaskDecoder {
  /** Variables by SAM2 state-dict name. Linear weights are kept transposed ([in, out]) for plain matMuls. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  private readonly densePe: tf.Tensor2D; // [S*S, C], constant

  private constructor(
    readonly config: MaskDecoderConfig,
    variables: Map<string, tf.Variable>,
    densePe: tf.Tensor2D,
  ) {
    this.variables = variables;
    this.densePe = densePe;
  }

  /** Builds the variables from checked weights (see `maskDecoderWeightsFrom`). */
  static fromWeights(weights: MaskDecoderWeights, options: { trainable?: boolean } = {}): TfjsMaskDecoder {
    const trainable = options.trainable ?? true;
    const variables = new Map<string, tf.Variable>();
    for (const name of maskDecoderWeightShapes(weights.config).keys()) {
      const t = weights.tensors.get(name) as WeightTensor;
      const isConstant = name.includes('positional_encoding_gaussian_matrix');
      if (isConstant) continue;
      const value = isLinearWeight(name, t)
        ? tf.tidy(() => tf.tensor2d(t.data, [t.dims[0] as number, t.dims[1] as number]).transpose())
        : tf.tensor(t.data, [...t.dims]);
      variables.set(name, tf.variable(value, trainable)); // unnamed: tfjs names must be unique per process
      value.dispose();
    }
    const C = weights.config.transformerDim;
    const S = weights.config.featSize;
    const densePe = tf.tidy(
      () => tf.tensor2d(denseImagePositionalEncoding(weights), [C, S * S]).transpose() as tf.Tensor2D,
    );
    return new TfjsMaskDecoder(weights.config, variables, densePe);
  }

  /** The current variables as PyTorch-layout weights, ready for `writeSafetensors`. */
  toWeights(original: MaskDecoderWeights): MaskDecoderWeights {
    const tensors = new Map<string, WeightTensor>(original.tensors);
    for (const [name, variable] of this.variables) {
      const dims = original.tensors.get(name)?.dims as readonly number[];
      const data = tf.tidy(() =>
        (isLinearWeightDims(name, dims) ? variable.transpose() : variable).dataSync(),
      );
      tensors.set(name, { dims, data: Float32Array.from(data as Float32Array) });
    }
    return { config: this.config, tensors };
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.densePe.dispose();
  }

  /** One decoder pass. Call inside `tf.tidy` (or dispose the outputs). */
  forward(input: TfjsMaskDecoderInput): TfjsMaskDecoderOutput {
    const { transformerDim: C, featSize: S } = this.config;
    const [B] = input.imageEmbed.shape;
    const expect = (name: string, tensor: tf.Tensor, dims: number[]) => {
      if (tensor.shape.join() !== dims.join())
        throw new Sam2InputError(name, `f32 [${dims.join(', ')}]`, `[${tensor.shape.join(', ')}]`);
    };
    expect('imageEmbed', input.imageEmbed, [B, C, S, S]);
    expect('highResFeat0', input.highResFeat0, [B, C / 8, 4 * S, 4 * S]);
    expect('highResFeat1', input.highResFeat1, [B, C / 4, 2 * S, 2 * S]);
    return tidyObject(() =>
      this.forwardTokens({
        imageTokens: toTokens(input.imageEmbed),
        highResFeat0: input.highResFeat0.transpose([0, 2, 3, 1]),
        highResFeat1: input.highResFeat1.transpose([0, 2, 3, 1]),
        promptEmbed: input.promptEmbed,
      }),
    );
  }

  /** `forward` on channels-last features (see `TfjsMaskDecoderTokensInput`); same outputs. */
  forwardTokens(input: TfjsMaskDecoderTokensInput): TfjsMaskDecoderOutput {
    const { transformerDim: C, featSize: S } = this.config;
    const [B] = input.imageTokens.shape;
    const expect = (name: string, tensor: tf.Tensor, dims: number[]) => {
      if (tensor.shape.join() !== dims.join())
        throw new Sam2InputError(name, `f32 [${dims.join(', ')}]`, `[${tensor.shape.join(', ')}]`);
    };
    expect('imageTokens', input.imageTokens, [B, S * S, C]);
    expect('highResFeat0', input.highResFeat0, [B, 4 * S, 4 * S, C / 8]);
    expect('highResFeat1', input.highResFeat1, [B, 2 * S, 2 * S, C / 4]);
    if (
      input.promptEmbed.rank !== 3 ||
      input.promptEmbed.shape[0] !== B ||
      input.promptEmbed.shape[2] !== C
    ) {
      throw new Sam2InputError(
        'promptEmbed',
        `f32 [${B}, K, ${C}]`,
        `[${input.promptEmbed.shape.join(', ')}]`,
      );
    }
    const v = (name: string) => this.variable(name);
    const d = DECODER_PREFIX;
    return tf.tidy(() => {
      // Query tokens: obj-score, IoU, 4 mask tokens, 2 × not_a_point, then the K prompt tokens.
      const notAPoint = v('sam_prompt_encoder.not_a_point_embed.weight');
      const fixed = tf.concat([
        v(`${d}obj_score_token.weight`),
        v(`${d}iou_token.weight`),
        v(`${d}mask_tokens.weight`),
        notAPoint,
        notAPoint,
      ]);
      const fixedBatch = tf.tile(fixed.expandDims(0), [B, 1, 1]) as tf.Tensor3D;
      const tokens = (
        input.promptEmbed.shape[1] > 0 ? tf.concat([fixedBatch, input.promptEmbed], 1) : fixedBatch
      ) as tf.Tensor3D;

      // Image tokens: image_embed + no_mask_embed, flattened to [B, S*S, C]; dense PE as key position.
      const noMask = v('sam_prompt_encoder.no_mask_embed.weight');
      const src = tf.add(input.imageTokens, noMask) as tf.Tensor3D;
      const { queries, keys } = this.twoWayTransformer(src, this.densePe, tokens);

      const iouToken = queries.slice([0, 1, 0], [B, 1, C]).reshape([B, C]);
      const maskTokens = queries.slice([0, 2, 0], [B, NUM_MASK_TOKENS, C]);
      const scoreToken = queries.slice([0, 0, 0], [B, 1, C]).reshape([B, C]);

      // Upscaling in NHWC: two 2×2 stride-2 transposed convs as matMuls (wasm has no conv-filter gradient).
      const feat1 = input.highResFeat1;
      const feat0 = input.highResFeat0;
      let up = convTranspose2x2(
        keys.reshape([B, S, S, C]),
        v(`${d}output_upscaling.0.weight`),
        v(`${d}output_upscaling.0.bias`),
      );
      up = up.add(feat1) as tf.Tensor4D;
      up = layerNorm(
        up,
        v(`${d}output_upscaling.1.weight`),
        v(`${d}output_upscaling.1.bias`),
        1e-6,
      ) as tf.Tensor4D;
      up = gelu(up);
      up = convTranspose2x2(up, v(`${d}output_upscaling.3.weight`), v(`${d}output_upscaling.3.bias`));
      up = gelu(up.add(feat0)); // [B, 4S, 4S, C/8]

      const hyper = tf.stack(
        Array.from({ length: NUM_MASK_TOKENS }, (_, i) =>
          this.mlp(
            `${d}output_hypernetworks_mlps.${i}`,
            maskTokens.slice([0, i, 0], [B, 1, C]).reshape([B, C]),
            3,
          ),
        ),
        1,
      ) as tf.Tensor3D; // [B, 4, C/8]
      const H = 4 * S;
      const pixels = up.reshape([B, H * H, C / 8]).transpose([0, 2, 1]) as tf.Tensor3D;
      const lowResMasks = tf.matMul(hyper, pixels).reshape([B, NUM_MASK_TOKENS, H, H]) as tf.Tensor4D;

      const iouPred = tf.sigmoid(this.mlp(`${d}iou_prediction_head`, iouToken, 3)) as tf.Tensor2D;
      const objectScoreLogits = this.mlp(`${d}pred_obj_score_head`, scoreToken, 3) as tf.Tensor2D;

      const ptr = this.mlp('obj_ptr_proj', maskTokens.reshape([B * NUM_MASK_TOKENS, C]), 3).reshape([
        B,
        NUM_MASK_TOKENS,
        C,
      ]);
      const present = tf.cast(tf.greater(objectScoreLogits, 0), 'float32').reshape([B, 1, 1]);
      const objPtr = tf.add(
        tf.mul(present, ptr),
        tf.mul(tf.sub(1, present), v('no_obj_ptr').reshape([1, 1, C])),
      ) as tf.Tensor3D;
      return { lowResMasks, iouPred, objPtr, objectScoreLogits };
    });
  }

  /**
   * Sa2VA's mask loss on the best-of-3 multimask output (argmax of predicted IoU over tokens 1..3, not
   * differentiated): 2.0 × sigmoid BCE + 0.5 × Dice (ε = 1), here over every low-res pixel instead of
   * Sa2VA's 12 544 uncertainty-sampled points. `target` is [B, 4S, 4S] in {0, 1}.
   */
  maskLoss(output: TfjsMaskDecoderOutput, target: tf.Tensor3D, options: MaskLossOptions = {}): tf.Scalar {
    const B = output.lowResMasks.shape[0];
    const iou = output.iouPred.dataSync();
    const choice = new Float32Array(B * NUM_MASK_TOKENS);
    for (let b = 0; b < B; b++)
      choice[b * NUM_MASK_TOKENS + bestMultimaskIndex(iou, b * NUM_MASK_TOKENS)] = 1;
    return tf.tidy(() => {
      // One-hot selection: gather has no gradient on the wasm backend.
      const oneHot = tf.tensor4d(choice, [B, NUM_MASK_TOKENS, 1, 1]);
      const logits = tf.sum(tf.mul(output.lowResMasks, oneHot), 1).reshape([B, -1]) as tf.Tensor2D;
      return maskLossTerms(logits, target.reshape([B, -1]) as tf.Tensor2D, options).total;
    });
  }

  private variable(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (!variable) throw new Sam2InputError('decoder variable', `a variable named ${name}`, 'none');
    return variable;
  }

  private linear(name: string, x: tf.Tensor): tf.Tensor {
    // Weights are kept [in, out]; `dense` keeps both gradient products on the fast 2-D path.
    return linearLastAxis(x, this.variable(`${name}.weight`) as tf.Tensor2D, this.variable(`${name}.bias`));
  }

  private mlp(name: string, x: tf.Tensor, layers: number): tf.Tensor {
    let h = x;
    for (let i = 0; i < layers; i++) {
      h = this.linear(`${name}.layers.${i}`, h);
      if (i < layers - 1) h = tf.relu(h);
    }
    return h;
  }

  private norm(name: string, x: tf.Tensor): tf.Tensor {
    return layerNorm(x, this.variable(`${name}.weight`), this.variable(`${name}.bias`), 1e-5);
  }

  private attention(name: string, q: tf.Tensor3D, k: tf.Tensor3D, value: tf.Tensor3D): tf.Tensor3D {
    const h = this.config.numHeads;
    const split = (x: tf.Tensor) => {
      const [b, n, c] = x.shape as [number, number, number];
      return x.reshape([b, n, h, c / h]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
    };
    const qh = split(this.linear(`${name}.q_proj`, q));
    const kh = split(this.linear(`${name}.k_proj`, k));
    const vh = split(this.linear(`${name}.v_proj`, value));
    const dHead = qh.shape[3];
    const scores = tf.matMul(qh, kh.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(dHead));
    const out = tf.matMul(tf.softmax(scores), vh).transpose([0, 2, 1, 3]);
    const [b, n] = q.shape;
    return this.linear(`${name}.out_proj`, out.reshape([b, n, h * dHead])) as tf.Tensor3D;
  }

  private twoWayTransformer(
    image: tf.Tensor3D,
    imagePe: tf.Tensor2D,
    pointEmbedding: tf.Tensor3D,
  ): { queries: tf.Tensor3D; keys: tf.Tensor3D } {
    const t = `${DECODER_PREFIX}transformer`;
    let queries = pointEmbedding;
    let keys = image;
    for (let i = 0; i < this.config.depth; i++) {
      const layer = `${t}.layers.${i}`;
      if (i === 0) {
        queries = this.attention(`${layer}.self_attn`, queries, queries, queries); // no PE, no residual
      } else {
        const q = queries.add(pointEmbedding) as tf.Tensor3D;
        queries = queries.add(this.attention(`${layer}.self_attn`, q, q, queries));
      }
      queries = this.norm(`${layer}.norm1`, queries) as tf.Tensor3D;
      let q = queries.add(pointEmbedding) as tf.Tensor3D;
      let k = keys.add(imagePe) as tf.Tensor3D;
      queries = queries.add(this.attention(`${layer}.cross_attn_token_to_image`, q, k, keys));
      queries = this.norm(`${layer}.norm2`, queries) as tf.Tensor3D;
      queries = queries.add(this.mlp(`${layer}.mlp`, queries, 2));
      queries = this.norm(`${layer}.norm3`, queries) as tf.Tensor3D;
      q = queries.add(pointEmbedding) as tf.Tensor3D;
      k = keys.add(imagePe) as tf.Tensor3D;
      keys = keys.add(this.attention(`${layer}.cross_attn_image_to_token`, k, q, queries));
      keys = this.norm(`${layer}.norm4`, keys) as tf.Tensor3D;
    }
    const q = queries.add(pointEmbedding) as tf.Tensor3D;
    const k = keys.add(imagePe) as tf.Tensor3D;
    queries = queries.add(this.attention(`${t}.final_attn_token_to_image`, q, k, keys));
    queries = this.norm(`${t}.norm_final_attn`, queries) as tf.Tensor3D;
    return { queries, keys };
  }
}

/** The terms of the mask loss, each a scalar (the weighted sum in `total`). */
export interface MaskLossTerms {
  /** bceWeight × bce + diceWeight × dice. */
  readonly total: tf.Scalar;
  /** Sigmoid binary cross-entropy, mean over every pixel of every mask. */
  readonly bce: tf.Scalar;
  /** 1 − (2·Σpt + ε) / (Σp + Σt + ε) per mask, mean over masks. */
  readonly dice: tf.Scalar;
}

/**
 * Sa2VA's mask loss terms on flattened masks: `logits` f32 [B, P] against `targets` f32 [B, P] in
 * {0, 1}. Weights default to Sa2VA's 2.0 (BCE) and 0.5 (Dice, ε = 1).
 */
export function maskLossTerms(
  logits: tf.Tensor2D,
  targets: tf.Tensor2D,
  options: MaskLossOptions = {},
): MaskLossTerms {
  const bceWeight = options.bceWeight ?? 2;
  const diceWeight = options.diceWeight ?? 0.5;
  const eps = options.diceEps ?? 1;
  return tf.tidy(() => {
    const bce = tf.losses.sigmoidCrossEntropy(
      targets,
      logits,
      undefined,
      undefined,
      tf.Reduction.MEAN,
    ) as tf.Scalar;
    const p = tf.sigmoid(logits);
    const dice = tf
      .sub(
        1,
        tf.div(
          tf.add(tf.mul(2, tf.sum(tf.mul(p, targets), 1)), eps),
          tf.add(tf.add(tf.sum(p, 1), tf.sum(targets, 1)), eps),
        ),
      )
      .mean() as tf.Scalar;
    const total = tf.add(tf.mul(bceWeight, bce), tf.mul(diceWeight, dice)) as tf.Scalar;
    return { total, bce, dice };
  });
}

function isLinearWeight(name: string, t: WeightTensor): boolean {
  return isLinearWeightDims(name, t.dims);
}

function isLinearWeightDims(name: string, dims: readonly number[]): boolean {
  return name.endsWith('.weight') && dims.length === 2 && !/(_token|mask_tokens|_embed)\.weight$/.test(name);
}

/** NCHW [B, C, H, W] → tokens [B, H*W, C]. */
function toTokens(x: tf.Tensor4D): tf.Tensor3D {
  const [b, c, h, w] = x.shape;
  return x.reshape([b, c, h * w]).transpose([0, 2, 1]) as tf.Tensor3D;
}

function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.div(centred, tf.sqrt(tf.add(variance, eps))), weight), bias);
}

/** 2×2 stride-2 ConvTranspose on NHWC input; `weight` in PyTorch layout [Cin, Cout, 2, 2]. */
function convTranspose2x2(x: tf.Tensor4D | tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
  const [b, h, w, cin] = x.shape as [number, number, number, number];
  const cout = weight.shape[1] as number;
  const y = dense(x.reshape([b * h * w, cin]) as tf.Tensor2D, weight.reshape([cin, cout * 4]) as tf.Tensor2D);
  return y
    .reshape([b, h, w, cout, 2, 2])
    .transpose([0, 1, 4, 2, 5, 3])
    .reshape([b, 2 * h, 2 * w, cout])
    .add(bias) as tf.Tensor4D;
}
