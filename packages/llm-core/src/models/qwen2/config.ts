import { positiveInt, positiveNumber, requireThat } from '../../config/validate.js';

/** Qwen2.5 decoder (RMSNorm, rotate-half RoPE, GQA with q/k/v bias, SwiGLU MLP). */
export interface DecoderConfig {
  /** Model width D. @defaultValue 3584 */
  readonly hiddenSize: number;
  /** Decoder layers. @defaultValue 28 */
  readonly numLayers: number;
  /** Query heads H. @defaultValue 28 */
  readonly numHeads: number;
  /** Key/value heads KV; each serves H / KV consecutive query heads. @defaultValue 4 */
  readonly numKeyValueHeads: number;
  /** Per-head width; Qwen2 configs omit it, so it defaults to hiddenSize / numHeads. @defaultValue 128 */
  readonly headDim: number;
  /** SwiGLU width (gate/up output). @defaultValue 18944 */
  readonly intermediateSize: number;
  /** Embedding rows; loaders take it from `embed_tokens.weight`, never from a guess. @defaultValue 151674 */
  readonly vocabSize: number;
  /** RMSNorm epsilon. @defaultValue 1e-6 */
  readonly rmsNormEps: number;
  /** RoPE base. @defaultValue 1000000 */
  readonly ropeTheta: number;
  /** Use embed_tokens as lm_head (plain Qwen2.5-0.5B/1.5B); InternVL3 checkpoints are untied. @defaultValue false */
  readonly tieWordEmbeddings: boolean;
  /**
   * Standard deviation of fresh weights (Hugging Face's `initializer_range`), for models trained from
   * scratch; loading a checkpoint ignores it. 0.02 suits wide models; a tiny decoder learns to attend
   * far sooner with about 1/sqrt(hiddenSize). @defaultValue 0.02
   */
  readonly initializerRange: number;
}

/** Qwen2.5-7B as used by InternVL3-8B (the paper's model). */
export const QWEN25_7B: DecoderConfig = {
  hiddenSize: 3584,
  numLayers: 28,
  numHeads: 28,
  numKeyValueHeads: 4,
  headDim: 128,
  intermediateSize: 18944,
  vocabSize: 151674,
  rmsNormEps: 1e-6,
  ropeTheta: 1_000_000,
  tieWordEmbeddings: false,
  initializerRange: 0.02,
};

/** Qwen2.5-1.5B as used by InternVL3-2B. */
export const QWEN25_1_5B: DecoderConfig = {
  ...QWEN25_7B,
  hiddenSize: 1536,
  numLayers: 28,
  numHeads: 12,
  numKeyValueHeads: 2,
  headDim: 128,
  intermediateSize: 8960,
};

/** Qwen2.5-0.5B as used by InternVL3-1B. */
export const QWEN25_0_5B: DecoderConfig = {
  ...QWEN25_7B,
  hiddenSize: 896,
  numLayers: 24,
  numHeads: 14,
  numKeyValueHeads: 2,
  headDim: 64,
  intermediateSize: 4864,
};

export function resolveDecoderConfig(input: Partial<DecoderConfig>, path?: string): DecoderConfig {
  const d = QWEN25_7B;
  const hiddenSize = positiveInt(input.hiddenSize, 'decoder.hiddenSize', d.hiddenSize, path);
  const numHeads = positiveInt(input.numHeads, 'decoder.numHeads', d.numHeads, path);
  const c: DecoderConfig = {
    hiddenSize,
    numLayers: positiveInt(input.numLayers, 'decoder.numLayers', d.numLayers, path),
    numHeads,
    numKeyValueHeads: positiveInt(
      input.numKeyValueHeads,
      'decoder.numKeyValueHeads',
      d.numKeyValueHeads,
      path,
    ),
    headDim: positiveInt(input.headDim, 'decoder.headDim', Math.floor(hiddenSize / numHeads), path),
    intermediateSize: positiveInt(
      input.intermediateSize,
      'decoder.intermediateSize',
      d.intermediateSize,
      path,
    ),
    vocabSize: positiveInt(input.vocabSize, 'decoder.vocabSize', d.vocabSize, path),
    rmsNormEps: positiveNumber(input.rmsNormEps, 'decoder.rmsNormEps', d.rmsNormEps, path),
    ropeTheta: positiveNumber(input.ropeTheta, 'decoder.ropeTheta', d.ropeTheta, path),
    tieWordEmbeddings: input.tieWordEmbeddings ?? d.tieWordEmbeddings,
    initializerRange: positiveNumber(
      input.initializerRange,
      'decoder.initializerRange',
      d.initializerRange,
      path,
    ),
  };
  requireThat(
    c.numHeads % c.numKeyValueHeads === 0,
    'decoder.numKeyValueHeads',
    `a divisor of numHeads ${c.numHeads}`,
    c.numKeyValueHeads,
    path,
  );
  requireThat(
    c.headDim % 2 === 0,
    'decoder.headDim',
    'an even number (RoPE rotates half-pairs)',
    c.headDim,
    path,
  );
  return c;
}
