import { Sam2WeightsError } from '../errors/weights-error.js';
import type { WeightSet, WeightTensor } from '../weights/safetensors.js';

/**
 * Sizes of SAM2's mask decoder (reference §3.3–3.4). `SAM2_MASK_DECODER_CONFIG` is the real one
 * (every SAM2 size shares it); smaller hidden sizes make test decoders. `transformerDim` stays 256:
 * the graph contract fixes it.
 */
export interface MaskDecoderConfig {
  /** Token and image-embedding width C. */
  readonly transformerDim: number;
  /** Two-way transformer blocks. */
  readonly depth: number;
  readonly numHeads: number;
  /** Hidden width of each block's token MLP. */
  readonly mlpDim: number;
  /** Cross-attention internal width = C / this (SAM2: 2). */
  readonly attentionDownsampleRate: number;
  /** Token self-attention internal width = C / this (SAM2: 1). */
  readonly selfAttentionDownsampleRate: number;
  /** Hidden width of the 4 hypernetwork MLPs (SAM2: C). Their output is always C / 8. */
  readonly hyperHiddenDim: number;
  /** Hidden width of the IoU head (SAM2: 256). */
  readonly iouHeadHiddenDim: number;
  /** Hidden width of the object-score head (SAM2: C). */
  readonly objScoreHiddenDim: number;
  /** Hidden width of the object-pointer MLP `obj_ptr_proj` (SAM2: C). */
  readonly objPtrHiddenDim: number;
  /** Side of the image-embedding grid (64 at 1024 input). */
  readonly featSize: number;
}

export const SAM2_MASK_DECODER_CONFIG: MaskDecoderConfig = Object.freeze({
  transformerDim: 256,
  depth: 2,
  numHeads: 8,
  mlpDim: 2048,
  attentionDownsampleRate: 2,
  selfAttentionDownsampleRate: 1,
  hyperHiddenDim: 256,
  iouHeadHiddenDim: 256,
  objScoreHiddenDim: 256,
  objPtrHiddenDim: 256,
  featSize: 64,
});

/** A small decoder with the same structure and contract, for tests and fixtures (~0.25 M parameters). */
export const TINY_MASK_DECODER_CONFIG: MaskDecoderConfig = Object.freeze({
  transformerDim: 256,
  depth: 2,
  numHeads: 2,
  mlpDim: 32,
  attentionDownsampleRate: 16,
  selfAttentionDownsampleRate: 16,
  hyperHiddenDim: 16,
  iouHeadHiddenDim: 16,
  objScoreHiddenDim: 16,
  objPtrHiddenDim: 16,
  featSize: 64,
});

/** 4 mask tokens: token 0 single-mask, tokens 1..3 the multimask outputs. */
export const NUM_MASK_TOKENS = 4;
/** Metadata key under which the config is stored in the safetensors header. */
export const MASK_DECODER_CONFIG_KEY = 'videoloom.mask_decoder_config';

/** Parameter names follow SAM2's state dict, so the export tool can copy tensors by name. */
export const DECODER_PREFIX = 'sam_mask_decoder.';

/** Every tensor the decoder needs, with its PyTorch shape (Linear weights are [out, in]). */
export function maskDecoderWeightShapes(config: MaskDecoderConfig): Map<string, number[]> {
  const C = config.transformerDim;
  const shapes = new Map<string, number[]>();
  const linear = (name: string, inDim: number, outDim: number) => {
    shapes.set(`${name}.weight`, [outDim, inDim]);
    shapes.set(`${name}.bias`, [outDim]);
  };
  const norm = (name: string, dim: number) => {
    shapes.set(`${name}.weight`, [dim]);
    shapes.set(`${name}.bias`, [dim]);
  };
  const attention = (name: string, downsample: number) => {
    const inner = C / downsample;
    linear(`${name}.q_proj`, C, inner);
    linear(`${name}.k_proj`, C, inner);
    linear(`${name}.v_proj`, C, inner);
    linear(`${name}.out_proj`, inner, C);
  };
  const mlp = (name: string, dims: number[]) => {
    for (let i = 0; i + 1 < dims.length; i++)
      linear(`${name}.layers.${i}`, dims[i] as number, dims[i + 1] as number);
  };
  const d = DECODER_PREFIX;
  const t = `${d}transformer`;
  for (let i = 0; i < config.depth; i++) {
    const layer = `${t}.layers.${i}`;
    attention(`${layer}.self_attn`, config.selfAttentionDownsampleRate);
    norm(`${layer}.norm1`, C);
    attention(`${layer}.cross_attn_token_to_image`, config.attentionDownsampleRate);
    norm(`${layer}.norm2`, C);
    mlp(`${layer}.mlp`, [C, config.mlpDim, C]);
    norm(`${layer}.norm3`, C);
    norm(`${layer}.norm4`, C);
    attention(`${layer}.cross_attn_image_to_token`, config.attentionDownsampleRate);
  }
  attention(`${t}.final_attn_token_to_image`, config.attentionDownsampleRate);
  norm(`${t}.norm_final_attn`, C);
  shapes.set(`${d}iou_token.weight`, [1, C]);
  shapes.set(`${d}mask_tokens.weight`, [NUM_MASK_TOKENS, C]);
  shapes.set(`${d}obj_score_token.weight`, [1, C]);
  shapes.set(`${d}output_upscaling.0.weight`, [C, C / 4, 2, 2]); // ConvTranspose: [in, out, kh, kw]
  shapes.set(`${d}output_upscaling.0.bias`, [C / 4]);
  norm(`${d}output_upscaling.1`, C / 4); // LayerNorm2d
  shapes.set(`${d}output_upscaling.3.weight`, [C / 4, C / 8, 2, 2]);
  shapes.set(`${d}output_upscaling.3.bias`, [C / 8]);
  for (let i = 0; i < NUM_MASK_TOKENS; i++) {
    mlp(`${d}output_hypernetworks_mlps.${i}`, [C, config.hyperHiddenDim, config.hyperHiddenDim, C / 8]);
  }
  mlp(`${d}iou_prediction_head`, [C, config.iouHeadHiddenDim, config.iouHeadHiddenDim, NUM_MASK_TOKENS]);
  mlp(`${d}pred_obj_score_head`, [C, config.objScoreHiddenDim, config.objScoreHiddenDim, 1]);
  // Outside the decoder module in SAM2, but part of what the decoder graph computes:
  shapes.set('sam_prompt_encoder.not_a_point_embed.weight', [1, C]);
  shapes.set('sam_prompt_encoder.no_mask_embed.weight', [1, C]);
  shapes.set('sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix', [2, C / 2]);
  mlp('obj_ptr_proj', [C, config.objPtrHiddenDim, config.objPtrHiddenDim, C]);
  shapes.set('no_obj_ptr', [1, C]);
  return shapes;
}

/** Decoder weights checked against a config: every tensor present with its expected shape. */
export interface MaskDecoderWeights {
  readonly config: MaskDecoderConfig;
  /** PyTorch-layout float32 tensors by SAM2 state-dict name. */
  readonly tensors: ReadonlyMap<string, WeightTensor>;
}

/** Reads the config from the metadata and checks every tensor's presence and shape. */
export function maskDecoderWeightsFrom(set: WeightSet, label = '<in-memory weights>'): MaskDecoderWeights {
  const raw = set.metadata[MASK_DECODER_CONFIG_KEY];
  let config: MaskDecoderConfig = SAM2_MASK_DECODER_CONFIG;
  if (raw !== undefined) {
    try {
      config = { ...SAM2_MASK_DECODER_CONFIG, ...JSON.parse(raw) };
    } catch {
      throw new Sam2WeightsError(
        label,
        '',
        `JSON in metadata "${MASK_DECODER_CONFIG_KEY}"`,
        raw.slice(0, 80),
      );
    }
  }
  for (const [name, dims] of maskDecoderWeightShapes(config)) {
    const t = set.tensors.get(name);
    if (!t) throw new Sam2WeightsError(label, name, `a tensor of shape [${dims}]`, 'no such tensor');
    if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i])) {
      throw new Sam2WeightsError(label, name, `shape [${dims}]`, `shape [${t.dims}]`);
    }
  }
  return { config, tensors: set.tensors };
}

/** The weight set to save (config in the metadata). */
export function maskDecoderWeightSet(weights: MaskDecoderWeights): WeightSet {
  return {
    tensors: weights.tensors,
    metadata: { [MASK_DECODER_CONFIG_KEY]: JSON.stringify(weights.config) },
  };
}

/**
 * Random decoder weights from a seed. Every tensor is drawn on its own (no two layers share values:
 * identical clones would hide layer mix-ups). Linear/conv weights ~ N(0, 1/fan_in), norms near 1.
 */
export function randomMaskDecoderWeights(config: MaskDecoderConfig, seed: number): MaskDecoderWeights {
  const random = gaussianSource(seed);
  const tensors = new Map<string, WeightTensor>();
  for (const [name, dims] of maskDecoderWeightShapes(config)) {
    const count = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    const isNorm = /norm|output_upscaling\.1\./.test(name);
    let scale: number;
    let base = 0;
    if (isNorm) {
      base = name.endsWith('.weight') ? 1 : 0;
      scale = 0.1;
    } else if (name.endsWith('.bias')) scale = 0.02;
    else if (name.includes('positional_encoding_gaussian_matrix')) scale = 1;
    else if (name.includes('output_upscaling')) scale = 1 / Math.sqrt((dims[0] as number) * 4);
    else if (
      dims.length === 2 &&
      !/(_token|mask_tokens|_embed)\.weight$/.test(name) &&
      name !== 'no_obj_ptr'
    ) {
      scale = 1 / Math.sqrt(dims[1] as number);
    } else scale = 1;
    for (let i = 0; i < count; i++) data[i] = base + scale * random();
    tensors.set(name, { dims, data });
  }
  return { config, tensors };
}

/** The constant dense positional encoding of the prompt encoder, C×S×S (random Fourier features). */
export function denseImagePositionalEncoding(weights: MaskDecoderWeights): Float32Array {
  const C = weights.config.transformerDim;
  const S = weights.config.featSize;
  const gauss = weights.tensors.get('sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix')
    ?.data as Float32Array;
  const half = C / 2;
  const out = new Float32Array(C * S * S);
  for (let y = 0; y < S; y++) {
    const yc = 2 * ((y + 0.5) / S) - 1;
    for (let x = 0; x < S; x++) {
      const xc = 2 * ((x + 0.5) / S) - 1;
      for (let c = 0; c < half; c++) {
        const v = 2 * Math.PI * (xc * (gauss[c] as number) + yc * (gauss[half + c] as number));
        out[c * S * S + y * S + x] = Math.fround(Math.sin(v));
        out[(half + c) * S * S + y * S + x] = Math.fround(Math.cos(v));
      }
    }
  }
  return out;
}

/** Deterministic N(0, 1) draws (mulberry32 + Box–Muller), so fixtures are reproducible from a seed. */
export function gaussianSource(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}
