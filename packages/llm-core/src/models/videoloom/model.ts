import { tf } from '@videoloom/backend';
import { ModelConfigError, TensorShapeError } from '../../errors/index.js';
import { gatherRows, type Tensor } from '../../layers/ops.js';
import { type LoraConfig, resolveLoraConfig } from '../../lora/config.js';
import { foldLora, type LoraState, loraParameterSpecs } from '../../lora/lora.js';
import {
  initializeParameters,
  type ParameterGroup,
  type ParameterSpec,
  ParameterStore,
  withNormalStd,
} from '../../weights/parameter-store.js';
import { motionParameterSpecs, runVisionEncoder, visionParameterSpecs } from '../internvit/vision-encoder.js';
import { fastPool, pixelShuffle, projectorParameterSpecs, runProjector } from '../projector/projector.js';
import {
  decoderParameterSpecs,
  EMBED_TOKENS,
  lmHead,
  projectionShape,
  runDecoder,
} from '../qwen2/decoder.js';
import type { KvCache } from '../qwen2/kv-cache.js';
import type { VideoLoomModelConfig } from './config.js';
import { runSegHead, segHeadParameterSpecs } from './seg-head.js';
import { embedWithVisualTokens, type TokenSequence } from './visual-substitution.js';
import type { VocabularySubset } from './vocabulary-subset.js';

/** Every parameter of a model with this config, in checkpoint names and layouts. */
export function modelParameterSpecs(config: VideoLoomModelConfig): ParameterSpec[] {
  const { vision, decoder } = config;
  // The projector and [SEG] MLP feed or read the decoder: they share its initializer range.
  return [
    ...withNormalStd(visionParameterSpecs(vision), vision.initializerRange),
    ...(config.fastFrameMotion ? withNormalStd(motionParameterSpecs(vision), vision.initializerRange) : []),
    ...withNormalStd(
      projectorParameterSpecs(vision.hiddenSize, decoder.hiddenSize),
      decoder.initializerRange,
    ),
    ...withNormalStd(decoderParameterSpecs(decoder, config.lora), decoder.initializerRange),
    ...withNormalStd(
      segHeadParameterSpecs(decoder.hiddenSize, config.segHead.outputSize),
      decoder.initializerRange,
    ),
  ];
}

/** The trainable set of the paper: LoRA, embed_tokens, lm_head and the [SEG] MLP (section 12). */
export const PAPER_TRAINABLE_GROUPS: ReadonlySet<ParameterGroup> = new Set([
  'lora',
  'embed_tokens',
  'lm_head',
  'seg_head',
]);

/** Projected visual tokens of a batch of frames. */
export interface FrameTokens {
  /** float32 `[n, side * side, D]` (side = imageSize / patchSize / 2; 256 tokens per 448 frame). */
  readonly tokens: Tensor;
}

/** Output of one forward pass. */
export interface ForwardOutput {
  /**
   * float32 `[1, L, V]`, or `[1, 1, V]` for the last position only when `logits: 'last'`. The last
   * axis indexes embedding rows: token ids, or subset rows (map with `tokenIdOf`).
   */
  readonly logits: Tensor;
  /** float32 `[1, L, D]`: final post-norm hidden states. */
  readonly hidden: Tensor;
  /** The cache extended by this pass (new tensors). */
  readonly cache: KvCache;
}

/** Inputs of one forward pass. */
export interface ForwardInput {
  readonly sequence: TokenSequence;
  /** float32 `[N, D]`, one row per visual position, or null when the sequence has none. @defaultValue null */
  readonly visualTokens?: Tensor | null;
  /** Continue after these cached positions. @defaultValue null */
  readonly cache?: KvCache | null;
  /** Enables LoRA dropout. @defaultValue false */
  readonly training?: boolean;
  /** Which positions get logits. @defaultValue 'all' */
  readonly logits?: 'all' | 'last';
}

/**
 * The VideoLoom MLLM (InternViT + pixel shuffle + mlp1 + Qwen2.5 + [SEG] MLP), one implementation
 * for training (autodiff, LoRA) and inference (KV cache). Parameters are tf.Variables in fp32.
 */
export class VideoLoomModel {
  readonly loraState: LoraState = { merged: false };

  constructor(
    public config: VideoLoomModelConfig,
    readonly params: ParameterStore,
    /** Token-id -> row table of a vocabulary-subset model; null when rows are token ids. */
    readonly vocabulary: VocabularySubset | null = null,
  ) {
    if (vocabulary && vocabulary.size !== config.decoder.vocabSize) {
      throw new ModelConfigError(
        'decoder.vocabSize',
        `the vocabulary subset's row count ${vocabulary.size}`,
        config.decoder.vocabSize,
      );
    }
  }

  /** Embedding/logit row of a token id. */
  rowOf(tokenId: number): number {
    return this.vocabulary ? this.vocabulary.rowOf(tokenId) : tokenId;
  }

  /** Token id of an embedding/logit row (e.g. an argmax). */
  tokenIdOf(row: number): number {
    return this.vocabulary ? this.vocabulary.tokenIdOf(row) : row;
  }

  /** A model with seeded random weights (for tests, training from scratch and benchmarks). */
  static create(
    config: VideoLoomModelConfig,
    options: { seed?: number; vocabulary?: VocabularySubset | null } = {},
  ): VideoLoomModel {
    const specs = modelParameterSpecs(config);
    const params = new ParameterStore(specs);
    initializeParameters(params, specs, options.seed ?? 0);
    return new VideoLoomModel(config, params, options.vocabulary ?? null);
  }

  /**
   * ViT -> pixel shuffle -> mlp1 for a batch of frames (slow-frame tokens; pool them for fast frames).
   * @param pixels float32 `[n, 3, H, W]`, ImageNet-normalised
   * @param motion float32 `[n, 3, H, W]`: each frame minus the previous fast frame, for models with
   *   `fastFrameMotion` (`videoTokens` builds it). @defaultValue null
   */
  encodeFrames(pixels: Tensor, motion: Tensor | null = null): FrameTokens {
    const { vision, projector } = this.config;
    const gh = (pixels.shape[2] as number) / vision.patchSize;
    const gw = (pixels.shape[3] as number) / vision.patchSize;
    const tokens = tf.tidy(() => {
      const patches = runVisionEncoder(this.params, vision, pixels, motion);
      return runProjector(this.params, projector, pixelShuffle(patches, gh, gw));
    });
    return { tokens };
  }

  /**
   * Fast-frame reduction of projected frame tokens (default 4x4 mean: 256 -> 16 tokens).
   * @param tokens float32 `[n, side * side, D]` @returns float32 `[n, (side / poolSize)^2, D]`
   */
  poolFastFrames(tokens: Tensor): Tensor {
    return fastPool(tokens, this.config.fastPool);
  }

  /**
   * A video's visual tokens in prompt order: the fast frames pooled, then the slow keyframes whole, from
   * one encoder pass. With `fastFrameMotion`, fast frame t also embeds its difference with frame t-1
   * (zero for the first frame and for keyframes).
   * @param fast float32 `[nf, 3, S, S]` in frame-id order, or null without a fast stream
   * @param slow float32 `[ns, 3, S, S]`, or null without keyframes
   * @returns float32 `[nf * fastTokens + ns * slowTokens, D]`
   */
  videoTokens(fast: Tensor | null, slow: Tensor | null): Tensor {
    const nf = fast?.shape[0] ?? 0;
    const ns = slow?.shape[0] ?? 0;
    if (nf + ns === 0) throw new TensorShapeError('fast, slow', 'at least one frame', 'no frames');
    return tf.tidy(() => {
      const pixels = fast && slow ? tf.concat([fast, slow], 0) : (fast ?? slow)!;
      let motion: Tensor | null = null;
      if (this.config.fastFrameMotion) {
        const parts: Tensor[] = [];
        if (fast) {
          const previous = nf > 1 ? tf.concat([fast.slice(0, 1), fast.slice(0, nf - 1)], 0) : fast;
          parts.push(tf.sub(fast, previous));
        }
        if (slow) parts.push(tf.zerosLike(slow));
        motion = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
      }
      const tokens = this.encodeFrames(pixels, motion).tokens;
      const [, C, D] = tokens.shape as [number, number, number];
      const rows: Tensor[] = [];
      if (nf > 0) rows.push(this.poolFastFrames(tokens.slice([0, 0, 0], [nf, C, D])).reshape([-1, D]));
      if (ns > 0) rows.push(tokens.slice([nf, 0, 0], [ns, C, D]).reshape([-1, D]));
      return rows.length === 1 ? rows[0]! : tf.concat(rows, 0);
    });
  }

  /** Embeddings with visual tokens substituted: float32 `[1, L, D]`. */
  embed(sequence: TokenSequence, visualTokens: Tensor | null = null): Tensor {
    return embedWithVisualTokens(
      this.params.get(EMBED_TOKENS),
      sequence,
      visualTokens,
      this.config.specialTokens.imgContext,
      this.vocabulary ? (id) => this.rowOf(id) : undefined,
    );
  }

  /** Decoder pass over one sequence (batch 1). */
  forward(input: ForwardInput): ForwardOutput {
    const embeds = this.embed(input.sequence, input.visualTokens ?? null);
    const { hidden, cache } = runDecoder(this.params, this.config.decoder, embeds, {
      cache: input.cache ?? null,
      training: input.training ?? false,
      lora: this.config.lora,
      loraState: this.loraState,
    });
    embeds.dispose();
    const L = hidden.shape[1] as number;
    const logits = tf.tidy(() =>
      lmHead(
        this.params,
        input.logits === 'last' ? hidden.slice([0, L - 1, 0], [1, 1, hidden.shape[2] as number]) : hidden,
      ),
    );
    return { logits, hidden, cache };
  }

  /**
   * [SEG] embeddings: the seg head on the final hidden states at input positions holding `[SEG]`.
   * @param hidden float32 `[1, L, D]` from `forward`
   * @returns float32 `[nSeg, segHead.outputSize]` in order of appearance
   */
  segEmbeddings(hidden: Tensor, sequence: TokenSequence): Tensor {
    if (hidden.rank !== 3 || hidden.shape[1] !== sequence.ids.length) {
      throw new TensorShapeError('hidden', `[1, ${sequence.ids.length}, D]`, `[${hidden.shape.join(', ')}]`);
    }
    const positions: number[] = [];
    for (let i = 0; i < sequence.ids.length; i++)
      if (sequence.ids[i] === this.config.specialTokens.seg) positions.push(i);
    if (positions.length === 0) return tf.zeros([0, this.config.segHead.outputSize]);
    return this.segHead(
      // gatherRows: differentiable on wasm (the seg head trains through this selection).
      tf.tidy(() =>
        gatherRows(
          hidden.reshape([sequence.ids.length, hidden.shape[2] as number]),
          tf.tensor1d(positions, 'int32'),
        ),
      ),
      true,
    );
  }

  /** The [SEG] MLP on given hidden states `[n, D]` -> `[n, outputSize]`. Disposes the input when `consume`. */
  segHead(hidden: Tensor, consume = false): Tensor {
    const out = runSegHead(this.params, hidden);
    if (consume) hidden.dispose();
    return out;
  }

  /** Adds fresh LoRA adapters (A Kaiming-uniform, B zero) to every configured projection. */
  attachLora(input: Partial<LoraConfig>, options: { seed?: number } = {}): void {
    if (this.config.lora) throw new ModelConfigError('lora', 'no adapters attached yet', 'already attached');
    const lora = resolveLoraConfig(input);
    const specs = loraParameterSpecs(lora, this.config.decoder.numLayers, (t) =>
      projectionShape(this.config.decoder, t),
    );
    this.params.addSpecs(specs);
    initializeParameters(this.params, specs, options.seed ?? 0);
    this.config = { ...this.config, lora };
  }

  /** Folds LoRA into the base weights (W += alpha/r · B A). */
  mergeLora(): void {
    if (!this.config.lora || this.loraState.merged) return;
    foldLora(this.params, this.config.lora, this.config.decoder.numLayers, 1);
    this.loraState.merged = true;
  }

  /** Takes merged LoRA updates back out of the base weights. */
  unmergeLora(): void {
    if (!this.config.lora || !this.loraState.merged) return;
    foldLora(this.params, this.config.lora, this.config.decoder.numLayers, -1);
    this.loraState.merged = false;
  }

  /**
   * Freezes every parameter outside `groups` (default: the paper's trainable set) and returns the
   * trainable variables, for an optimiser's var list.
   */
  setTrainable(
    groups: ReadonlySet<ParameterGroup> = PAPER_TRAINABLE_GROUPS,
  ): ReturnType<ParameterStore['variablesOf']> {
    this.params.setTrainable(groups);
    return this.params.variablesOf(groups);
  }

  dispose(): void {
    this.params.dispose();
  }
}
