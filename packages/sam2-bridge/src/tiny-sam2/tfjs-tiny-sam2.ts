import { tf } from '@videoloom/backend';
import { Sam2Bridge } from '../bridge/sam2-bridge.js';
import { NUM_MASK_TOKENS } from '../decoder/mask-decoder-weights.js';
import {
  type MaskLossOptions,
  type MaskLossTerms,
  maskLossTerms,
  TfjsMaskDecoder,
} from '../decoder/tfjs-mask-decoder.js';
import { dense, denseBias, gelu, matMulConstant, tidyObject } from '../decoder/tfjs-ops.js';
import { Sam2InputError } from '../errors/input-error.js';
import { bestMultimaskIndex } from '../image/postprocess.js';
import { preprocessFrame, type RgbFrame } from '../image/preprocess.js';
import type { Sam2Dims } from '../stages/contract.js';
import { createManifest, SAM2_PRESETS, type Sam2Behaviour, type Sam2Manifest } from '../stages/manifest.js';
import { type Sam2LoadOptions, Sam2Stages } from '../stages/stages.js';
import type { WeightTensor } from '../weights/safetensors.js';
import { readTinySam2Checkpoint, writeTinySam2Checkpoint } from './checkpoint.js';
import {
  TINY_IMAGE_ENCODER_PREFIX,
  TINY_SAM2_CONFIGS,
  type TinySam2Config,
  type TinySam2ConfigName,
  tinyImageEncoderWeightShapes,
  tinySam2ConfigProblems,
} from './tiny-sam2-config.js';
import { buildTinySam2Graphs, randomTinySam2Weights, type TinySam2Weights } from './tiny-sam2-weights.js';

/** What `TfjsTinySam2.forward` reads. */
export interface TinySam2Input {
  /** f32 [B, 3, I, I] (I = dims.imageSize, 128 for tiny-128): RGB frames resized to I×I, /255, SAM2 mean/std. */
  readonly images: tf.Tensor4D;
  /** f32 [B, K, 256]: the projected [SEG] embedding (K = 1). Gradients flow into it. */
  readonly promptEmbed: tf.Tensor3D;
}

/** What `TfjsTinySam2.forward` returns (every tensor kept: call inside `tf.tidy` or dispose). */
export interface TinySam2Output {
  /** f32 [B, 1, L, L] (L = dims.lowResSize, 32 for tiny-128): the chosen mask's low-res logits. */
  readonly lowResLogits: tf.Tensor4D;
  /** f32 [B, 4, L, L]: all four mask tokens' logits. */
  readonly lowResMasks: tf.Tensor4D;
  /** f32 [B, 4]: predicted IoU of each token (sigmoid). */
  readonly iouPred: tf.Tensor2D;
  /** f32 [B, 1]: object-present logit (present ⇔ > 0). */
  readonly objectScoreLogits: tf.Tensor2D;
  /** Per sample, the token `lowResLogits` came from (0, or 1..3 under `bestOfThree`), as the bridge picks it. */
  readonly maskIndex: readonly number[];
}

/** Weights and extras of `TfjsTinySam2.loss`. */
export interface TinySam2LossOptions extends MaskLossOptions {
  /**
   * Where the loss is computed. `target` (default): the logits are upsampled bilinearly
   * (align_corners = false) to the target's H×W, as SAM2's own training does and as the bridge turns
   * logits into masks. `lowRes`: the targets are resized to L×L by nearest neighbour, as Sa2VA does.
   * @defaultValue 'target'
   */
  readonly lossAt?: 'target' | 'lowRes';
  /**
   * Weight of a sigmoid BCE between the object-score logit and "the target mask is not empty" (SAM2
   * trains this head; Sa2VA does not). @defaultValue 0
   */
  readonly objectScoreWeight?: number;
}

/** The loss and its terms, each a scalar. */
export interface TinySam2LossTerms extends MaskLossTerms {
  /** Object-score BCE (0 unless `objectScoreWeight` > 0); included in `total` with its weight. */
  readonly objectScore: tf.Scalar;
}

/** How a model is made: a named or explicit config, a seed for the weights, behaviour overrides. */
export interface TinySam2CreateOptions {
  /** @defaultValue 'tiny-128' */
  readonly config?: TinySam2ConfigName | TinySam2Config;
  /** Seed of the random initial weights. @defaultValue 1 */
  readonly seed?: number;
  /** Overrides of the config's behaviour preset (written to the manifest on save). */
  readonly behaviour?: Partial<Sam2Behaviour>;
  /** Whether the encoder and decoder variables are trainable. @defaultValue true */
  readonly trainable?: boolean;
}

/**
 * A small SAM2 trainable end to end in TensorFlow.js: a patch image encoder (non-overlapping patch
 * convolutions + residual 3×3 context at stride 16, computed as plain 2-D matMuls so every gradient
 * exists on wasm) feeding SAM2's mask decoder (`TfjsMaskDecoder`), prompted with the [SEG]
 * embedding. Gradients reach the encoder, the decoder and the prompt (hence the LLM's seg head).
 * `save` writes a checkpoint directory whose four ONNX graphs `Sam2Bridge.load` runs through ONNX
 * Runtime; `toBridge` does the same in memory.
 */
export class TfjsTinySam2 {
  readonly config: TinySam2Config;
  readonly dims: Sam2Dims;
  /** Behaviour written to the manifest; `bestOfThree` also decides which token `forward` returns. */
  readonly behaviour: Sam2Behaviour;
  readonly decoder: TfjsMaskDecoder;
  /** Image encoder variables by PyTorch name; convolutions kept as [kh·kw·cin, cout] matrices. */
  readonly encoderVariables: ReadonlyMap<string, tf.Variable>;
  private readonly memory: Pick<TinySam2Weights, 'memoryEncoder' | 'memoryAttention'>;
  private readonly decoderWeights: TinySam2Weights['decoder'];
  private readonly upsamplers = new Map<string, { right: tf.Tensor2D; rightT: tf.Tensor2D }>();

  private constructor(weights: TinySam2Weights, behaviour: Sam2Behaviour, trainable: boolean) {
    const problems = tinySam2ConfigProblems(weights.config);
    if (problems.length > 0)
      throw new Sam2InputError('config', 'a consistent tiny SAM2 config', problems.join('; '));
    this.config = weights.config;
    this.dims = weights.config.dims;
    this.behaviour = behaviour;
    this.decoder = TfjsMaskDecoder.fromWeights(weights.decoder, { trainable });
    this.decoderWeights = weights.decoder;
    this.memory = { memoryEncoder: weights.memoryEncoder, memoryAttention: weights.memoryAttention };
    const variables = new Map<string, tf.Variable>();
    for (const [name, dims] of tinyImageEncoderWeightShapes(weights.config)) {
      const t = weights.imageEncoder.get(name) as WeightTensor;
      const value = tf.tidy(() => {
        const raw = tf.tensor(t.data, [...dims]);
        // Convolutions [cout, cin, kh, kw] → [kh·kw·cin, cout]: im2col patches are (ky, kx, c)-ordered.
        if (dims.length === 4 && !name.endsWith('no_mem_embed')) {
          const [cout, cin, kh, kw] = dims as [number, number, number, number];
          return raw.transpose([2, 3, 1, 0]).reshape([kh * kw * cin, cout]);
        }
        return raw.reshape([-1]);
      });
      variables.set(name, tf.variable(value, trainable));
      value.dispose();
    }
    this.encoderVariables = variables;
  }

  /** A model with fresh random weights (see `TinySam2CreateOptions`). */
  static create(options: TinySam2CreateOptions = {}): TfjsTinySam2 {
    const config =
      typeof options.config === 'object' ? options.config : TINY_SAM2_CONFIGS[options.config ?? 'tiny-128'];
    if (!config)
      throw new Sam2InputError('config', Object.keys(TINY_SAM2_CONFIGS).join(' or '), String(options.config));
    return TfjsTinySam2.fromWeights(randomTinySam2Weights(config, options.seed ?? 1), options);
  }

  /** A model from weights (random, read from a checkpoint, or `toWeights` of another model). */
  static fromWeights(
    weights: TinySam2Weights,
    options: { behaviour?: Partial<Sam2Behaviour>; trainable?: boolean } = {},
  ): TfjsTinySam2 {
    const behaviour = { ...SAM2_PRESETS[weights.config.behaviourPreset], ...options.behaviour };
    return new TfjsTinySam2(weights, behaviour, options.trainable ?? true);
  }

  /**
   * Loads a checkpoint directory written by `save` (to resume training): weights, config and the
   * manifest's behaviour. Errors: `Sam2ManifestError` (missing/bad manifest, no `weights` file),
   * `Sam2WeightsError` (missing tensor, wrong shape, config not matching the manifest's dims).
   */
  static async load(dir: string, options: { trainable?: boolean } = {}): Promise<TfjsTinySam2> {
    const { manifest, weights } = await readTinySam2Checkpoint(dir);
    return new TfjsTinySam2(weights, manifest.behaviour, options.trainable ?? true);
  }

  /** Every trainable variable: the image encoder's, then the decoder's (hand them to the optimizer). */
  get trainableVariables(): tf.Variable[] {
    return [...this.encoderVariables.values(), ...this.decoder.variables.values()];
  }

  /** Number of trainable parameters. */
  get parameterCount(): number {
    return this.trainableVariables.reduce((n, v) => n + v.size, 0);
  }

  /**
   * RGB frames (any size; resized to I×I bicubically, as the bridge does) → f32 [B, 3, I, I]
   * normalised with SAM2's mean/std: the `images` input of `forward`.
   */
  preprocess(frames: readonly RgbFrame[]): tf.Tensor4D {
    const I = this.dims.imageSize;
    const data = new Float32Array(frames.length * 3 * I * I);
    for (const [i, frame] of frames.entries()) data.set(preprocessFrame(frame, I, i), i * 3 * I * I);
    return tf.tensor4d(data, [frames.length, 3, I, I]);
  }

  /**
   * Image encoder + mask decoder. `images` f32 [B,3,I,I], `promptEmbed` f32 [B,K,256] → low-res
   * logits f32 [B,1,L,L] of the token the bridge would pick (token 0, or best of 1..3 by predicted
   * IoU when `behaviour.bestOfThree`), all four tokens, IoU and object score. Differentiable w.r.t.
   * every encoder/decoder variable and `promptEmbed`. Throws `Sam2InputError` naming the input on a
   * wrong shape.
   */
  forward(input: TinySam2Input): TinySam2Output {
    const { imageSize: I, embedDim: C } = this.dims;
    const { images, promptEmbed } = input;
    const B = images.shape[0];
    if (images.rank !== 4 || images.shape[1] !== 3 || images.shape[2] !== I || images.shape[3] !== I) {
      throw new Sam2InputError(
        'images',
        `f32 [B, 3, ${I}, ${I}] (frames resized to ${I}×${I}, normalised with SAM2 mean/std)`,
        `[${images.shape.join(', ')}]`,
      );
    }
    if (images.dtype !== 'float32') throw new Sam2InputError('images', 'dtype float32', images.dtype);
    if (promptEmbed.rank !== 3 || promptEmbed.shape[0] !== B || promptEmbed.shape[2] !== C) {
      throw new Sam2InputError(
        'promptEmbed',
        `f32 [${B}, K, ${C}] (one ${C}-d [SEG] embedding per image, K = 1)`,
        `[${promptEmbed.shape.join(', ')}]`,
      );
    }
    const outputs = tidyObject(() => {
      const features = this.encode(images);
      const decoded = this.decoder.forwardTokens({ ...features, promptEmbed });
      return decoded;
    });
    const L = this.dims.lowResSize;
    const maskIndex = new Array<number>(B).fill(0);
    let lowResLogits: tf.Tensor4D;
    if (this.behaviour.bestOfThree) {
      const iou = outputs.iouPred.dataSync();
      const choice = new Float32Array(B * NUM_MASK_TOKENS);
      for (let b = 0; b < B; b++) {
        maskIndex[b] = bestMultimaskIndex(iou, b * NUM_MASK_TOKENS);
        choice[b * NUM_MASK_TOKENS + (maskIndex[b] as number)] = 1;
      }
      // A one-hot product, not a gather: gather has no gradient on wasm.
      lowResLogits = tf.tidy(() =>
        tf.sum(tf.mul(outputs.lowResMasks, tf.tensor4d(choice, [B, NUM_MASK_TOKENS, 1, 1])), 1, true),
      ) as tf.Tensor4D;
    } else {
      lowResLogits = outputs.lowResMasks.slice([0, 0, 0, 0], [B, 1, L, L]);
    }
    outputs.objPtr.dispose(); // pointers only matter to memory, which this model does not use
    return {
      lowResLogits,
      lowResMasks: outputs.lowResMasks,
      iouPred: outputs.iouPred,
      objectScoreLogits: outputs.objectScoreLogits,
      maskIndex,
    };
  }

  /** `loss` with each term separately (for logging). Targets as in `loss`. */
  lossTerms(
    output: TinySam2Output,
    targets: tf.Tensor3D,
    options: TinySam2LossOptions = {},
  ): TinySam2LossTerms {
    const B = output.lowResLogits.shape[0];
    const L = this.dims.lowResSize;
    if (targets.rank !== 3 || targets.shape[0] !== B) {
      throw new Sam2InputError(
        'targets',
        `f32 [${B}, H, W] masks in {0, 1}`,
        `[${targets.shape.join(', ')}]`,
      );
    }
    const [, H, W] = targets.shape;
    const at = options.lossAt ?? 'target';
    return tidyObject(() => {
      const t = targets.toFloat();
      const logits = output.lowResLogits.reshape([B, L, L]) as tf.Tensor3D;
      let pred: tf.Tensor2D;
      let truth: tf.Tensor2D;
      if (at === 'target') {
        pred = this.upsample(logits, H, W).reshape([B, H * W]) as tf.Tensor2D;
        truth = t.reshape([B, H * W]) as tf.Tensor2D;
      } else {
        pred = logits.reshape([B, L * L]) as tf.Tensor2D;
        truth = nearestResize(t, L).reshape([B, L * L]) as tf.Tensor2D;
      }
      const mask = maskLossTerms(pred, truth, options);
      const weight = options.objectScoreWeight ?? 0;
      let objectScore = tf.scalar(0);
      let total = mask.total;
      if (weight > 0) {
        const present = tf.cast(tf.greater(tf.max(t.reshape([B, H * W]), 1), 0.5), 'float32').reshape([B, 1]);
        objectScore = tf.losses.sigmoidCrossEntropy(
          present,
          output.objectScoreLogits,
          undefined,
          undefined,
          tf.Reduction.MEAN,
        ) as tf.Scalar;
        total = tf.add(total, tf.mul(weight, objectScore)) as tf.Scalar;
      }
      return { total, bce: mask.bce, dice: mask.dice, objectScore };
    });
  }

  /**
   * The training loss: bceWeight × BCE + diceWeight × Dice (Sa2VA's 2.0 / 0.5, ε = 1) on the chosen
   * mask (+ objectScoreWeight × object-score BCE). `targets` f32 [B, H, W] in {0, 1}: the masks at the
   * frames' size (H×W, e.g. 128×128) by default (`lossAt: 'target'`), or any size with
   * `lossAt: 'lowRes'` (nearest-resized to L×L).
   */
  loss(output: TinySam2Output, targets: tf.Tensor3D, options: TinySam2LossOptions = {}): tf.Scalar {
    const terms = this.lossTerms(output, targets, options);
    tf.dispose([terms.bce, terms.dice, terms.objectScore]);
    return terms.total;
  }

  /** The current values of every tensor (PyTorch layout), memory stages included. */
  toWeights(): TinySam2Weights {
    const imageEncoder = new Map<string, WeightTensor>();
    for (const [name, dims] of tinyImageEncoderWeightShapes(this.config)) {
      const v = this.encoderVariables.get(name) as tf.Variable;
      const data = tf.tidy(() => {
        if (dims.length === 4 && !name.endsWith('no_mem_embed')) {
          const [cout, cin, kh, kw] = dims as [number, number, number, number];
          return v.reshape([kh, kw, cin, cout]).transpose([3, 2, 0, 1]).dataSync();
        }
        return v.dataSync();
      });
      imageEncoder.set(name, { dims, data: Float32Array.from(data as Float32Array) });
    }
    return {
      config: this.config,
      imageEncoder,
      decoder: this.decoder.toWeights(this.decoderWeights),
      ...this.memory,
    };
  }

  /** The manifest `save` writes: the config's dims, `weights`, this model's behaviour. */
  manifest(source = `TfjsTinySam2 ${this.config.name}`): Sam2Manifest {
    const preset = SAM2_PRESETS[this.config.behaviourPreset];
    const differs = (Object.keys(preset) as (keyof Sam2Behaviour)[]).some(
      (k) => preset[k] !== this.behaviour[k],
    );
    return createManifest({
      variant: 'sam2.1',
      preset: this.config.behaviourPreset,
      source,
      dims: this.dims,
      weights: TINY_SAM2_WEIGHTS_FILE,
      decoderWeights: TINY_SAM2_WEIGHTS_FILE,
      ...(differs ? { behaviour: this.behaviour } : {}),
    });
  }

  /**
   * Writes a checkpoint directory atomically (built beside it, then swapped in): the manifest,
   * `tiny_sam2.safetensors` (every tensor) and the four ONNX graphs built from these weights.
   * `Sam2Bridge.load(dir)` runs it; `TfjsTinySam2.load(dir)` resumes training from it.
   */
  async save(dir: string, options: { source?: string } = {}): Promise<Sam2Manifest> {
    const weights = this.toWeights();
    const manifest = this.manifest(options.source);
    await writeTinySam2Checkpoint(dir, manifest, weights);
    return manifest;
  }

  /** The four stage graphs of the current weights (ONNX bytes). */
  buildGraphs(): ReturnType<typeof buildTinySam2Graphs> {
    return buildTinySam2Graphs(this.toWeights());
  }

  /** A `Sam2Bridge` over graphs built from the current weights, in memory (ONNX Runtime). */
  async toBridge(options: Sam2LoadOptions = {}): Promise<Sam2Bridge> {
    return new Sam2Bridge(await Sam2Stages.fromGraphs(this.manifest(), this.buildGraphs(), options));
  }

  dispose(): void {
    this.decoder.dispose();
    for (const v of this.encoderVariables.values()) v.dispose();
    for (const { right, rightT } of this.upsamplers.values()) tf.dispose([right, rightT]);
    this.upsamplers.clear();
  }

  /** Patch encoder, channels last: image tokens (pix_feat_no_mem) [B,S²,C], feats NHWC. */
  private encode(images: tf.Tensor4D): {
    imageTokens: tf.Tensor3D;
    highResFeat0: tf.Tensor4D;
    highResFeat1: tf.Tensor4D;
  } {
    const { imageSize: I, embedDim: C, featSize: S } = this.dims;
    const B = images.shape[0];
    const w = (name: string) =>
      this.encoderVariables.get(`${TINY_IMAGE_ENCODER_PREFIX}${name}`) as tf.Variable;
    const conv = (x: tf.Tensor2D, name: string) =>
      denseBias(x, w(`${name}.weight`) as tf.Tensor2D, w(`${name}.bias`) as tf.Tensor1D);
    // NCHW image → channels last → (ky, kx, c)-ordered 4×4 patches, one row per stride-4 cell.
    const g4 = I / 4;
    const nhwc = images.transpose([0, 2, 3, 1]) as tf.Tensor4D;
    const patches = patchify(nhwc.reshape([B * I * I, 3]) as tf.Tensor2D, B, I, 4);
    const h4 = gelu(conv(patches, 'stem')); // [B·(I/4)², stem]
    const h8 = gelu(conv(patchify(h4, B, g4, 2), 'down8')); // [B·(I/8)², mid]
    let h16 = gelu(conv(patchify(h8, B, g4 / 2, 2), 'down16')); // [B·S², top]
    for (let i = 0; i < this.config.encoder.contextBlocks; i++) {
      const name = `context.${i}`;
      h16 = h16.add(
        gelu(conv3x3(h16, B, S, w(`${name}.weight`) as tf.Tensor2D).add(w(`${name}.bias`))),
      ) as tf.Tensor2D;
    }
    const vision = conv(h16, 'neck'); // [B·S², C]
    return {
      imageTokens: vision.add(w('no_mem_embed')).reshape([B, S * S, C]) as tf.Tensor3D,
      highResFeat1: conv(h8, 'conv_s1').reshape([B, 2 * S, 2 * S, C / 4]) as tf.Tensor4D,
      highResFeat0: conv(h4, 'conv_s0').reshape([B, 4 * S, 4 * S, C / 8]) as tf.Tensor4D,
    };
  }

  /**
   * Low-res logits f32 [B, 1, L, L] (`forward().lowResLogits`) → f32 [B, H, W], bilinear with
   * align_corners = false: what the bridge thresholds at 0 to give masks at the frame's size, and
   * what the default loss compares with the targets. Differentiable.
   */
  upsampleLogits(lowResLogits: tf.Tensor4D, height: number, width: number): tf.Tensor3D {
    const [B, , L] = lowResLogits.shape;
    return tf.tidy(() => this.upsample(lowResLogits.reshape([B, L, L]) as tf.Tensor3D, height, width));
  }

  /** `x` f32 [B, L, L] → f32 [B, H, W], bilinear, align_corners = false (as `resizeLogitsBilinear`). */
  private upsample(x: tf.Tensor3D, H: number, W: number): tf.Tensor3D {
    const [B, L] = x.shape;
    const rows = this.upsampler(L, H);
    const cols = this.upsampler(L, W);
    const alongX = matMulConstant(x.reshape([B * L, L]) as tf.Tensor2D, cols.right, cols.rightT); // [B·L, W]
    const turned = alongX
      .reshape([B, L, W])
      .transpose([0, 2, 1])
      .reshape([B * W, L]) as tf.Tensor2D;
    const alongY = matMulConstant(turned, rows.right, rows.rightT); // [B·W, H]
    return alongY.reshape([B, W, H]).transpose([0, 2, 1]) as tf.Tensor3D;
  }

  /**
   * A 1-D bilinear resize as a right factor: `right` = Mᵀ f32 [in, out] (rows · right resizes rows)
   * and `rightT` = M f32 [out, in], cached per size pair.
   */
  private upsampler(inSize: number, outSize: number): { right: tf.Tensor2D; rightT: tf.Tensor2D } {
    const key = `${inSize}->${outSize}`;
    let entry = this.upsamplers.get(key);
    if (!entry) {
      const m = new Float32Array(outSize * inSize);
      const scale = inSize / outSize;
      for (let o = 0; o < outSize; o++) {
        const src = Math.max(0, (o + 0.5) * scale - 0.5);
        const i0 = Math.min(Math.floor(src), inSize - 1);
        const i1 = Math.min(i0 + 1, inSize - 1);
        const l = src - i0;
        m[o * inSize + i0] = (m[o * inSize + i0] as number) + (1 - l);
        m[o * inSize + i1] = (m[o * inSize + i1] as number) + l;
      }
      // Kept: the first call may happen inside the loss's tidy scope.
      const rightT = tf.keep(tf.tensor2d(m, [outSize, inSize]));
      entry = { right: tf.keep(rightT.transpose()), rightT };
      this.upsamplers.set(key, entry);
    }
    return entry;
  }
}

/** File name of the weights inside a tiny SAM2 checkpoint. */
export const TINY_SAM2_WEIGHTS_FILE = 'tiny_sam2.safetensors';

/**
 * Rows of a channels-last map [B·G², c] (G×G grid) → (ky, kx, c)-ordered k×k patches [B·(G/k)², k²c],
 * one row per output cell: a non-overlapping k×k / stride-k convolution is then one matMul. Only
 * rank-4 transposes (the wasm backend's generic rank-6 transpose is slow).
 */
function patchify(x: tf.Tensor2D, B: number, G: number, k: number): tf.Tensor2D {
  const c = x.shape[1];
  const g = G / k;
  // [B·g, ky, g, kx·c] (a row of k pixels is contiguous) → [B·g, g, ky, kx·c].
  return x
    .reshape([B * g, k, g, k * c])
    .transpose([0, 2, 1, 3])
    .reshape([B * g * g, k * k * c]) as tf.Tensor2D;
}

/**
 * A 3×3, stride-1, zero-padded convolution on rows of a channels-last map `x` [B·S², cin] with
 * `weight` [9·cin, cout] ((ky, kx, c)-ordered), as the sum of nine shifted plain matMuls: no
 * concatenation on the channel axis, whose gradient (a channel split) is very slow on wasm.
 */
function conv3x3(x: tf.Tensor2D, B: number, S: number, weight: tf.Tensor2D): tf.Tensor2D {
  const cin = x.shape[1];
  const padded = x.reshape([B, S, S, cin]).pad([
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  let out: tf.Tensor2D | undefined;
  for (let ky = 0; ky < 3; ky++) {
    for (let kx = 0; kx < 3; kx++) {
      const tap = padded.slice([0, ky, kx, 0], [B, S, S, cin]).reshape([B * S * S, cin]) as tf.Tensor2D;
      const term = dense(tap, weight.slice([(ky * 3 + kx) * cin, 0], [cin, weight.shape[1]]));
      out = out ? (out.add(term) as tf.Tensor2D) : term;
    }
  }
  return out as tf.Tensor2D;
}

/** Nearest-neighbour resize of masks [B, H, W] → [B, L, L] (`F.interpolate(mode='nearest')`: floor(o·in/out)). */
function nearestResize(t: tf.Tensor3D, L: number): tf.Tensor3D {
  const [, H, W] = t.shape;
  const rows = tf.tensor1d(
    Array.from({ length: L }, (_, o) => Math.min(H - 1, Math.floor((o * H) / L))),
    'int32',
  );
  const cols = tf.tensor1d(
    Array.from({ length: L }, (_, o) => Math.min(W - 1, Math.floor((o * W) / L))),
    'int32',
  );
  return tf.gather(tf.gather(t, rows, 1), cols, 2) as tf.Tensor3D;
}
