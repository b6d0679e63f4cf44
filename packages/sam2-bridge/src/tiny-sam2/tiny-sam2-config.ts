import {
  gaussianSource,
  type MaskDecoderConfig,
  TINY_MASK_DECODER_CONFIG,
} from '../decoder/mask-decoder-weights.js';
import { type Sam2Dims, sam2DimsForImageSize, sam2DimsProblems } from '../stages/contract.js';
import type { Sam2PresetName } from '../stages/manifest.js';
import type { WeightTensor } from '../weights/safetensors.js';

/**
 * Widths of the tiny patch image encoder: non-overlapping patch convolutions down to stride 4, 8 and
 * 16 (GELU after each), residual 3×3 convolutions at stride 16 for context beyond one patch, then
 * SAM2's outputs: a 1×1 neck to `vision_feat` (C channels) and the 1×1 `conv_s0` / `conv_s1`
 * projections of the stride-4 / stride-8 maps to C/8 and C/4 channels (reference §3.2).
 */
export interface TinyPatchEncoderConfig {
  /** Channels of the 4×4 / stride-4 patch embedding (the stride-4 map). */
  readonly stem: number;
  /** Channels of the stride-8 map (2×2 / stride-2 convolution). */
  readonly mid: number;
  /** Channels of the stride-16 map (2×2 / stride-2 convolution), before the neck to C. */
  readonly top: number;
  /** Residual 3×3 convolution blocks at stride 16; each widens the receptive field by 32 px. */
  readonly contextBlocks: number;
}

/** Architecture of a tiny trainable SAM2: input size, patch image encoder and mask decoder sizes. */
export interface TinySam2Config {
  /** Preset this config is (recorded in checkpoints). */
  readonly name: string;
  /** Sizes of the graph contract (`sam2DimsForImageSize(imageSize)`): widths stay SAM2's. */
  readonly dims: Sam2Dims;
  readonly encoder: TinyPatchEncoderConfig;
  /** `featSize` equals `dims.featSize`. */
  readonly decoder: MaskDecoderConfig;
  /** Behaviour preset written to the manifest (`SAM2_PRESETS[behaviourPreset]`). */
  readonly behaviourPreset: Sam2PresetName;
}

export type TinySam2ConfigName = 'tiny-128';

/**
 * Named tiny SAM2 architectures. `tiny-128`: 128×128 frames (8×8 grid, 32×32 high-res feature
 * `high_res_feat0`, 16×16 `high_res_feat1`, 32×32 low-res masks), embedDim 256 / memDim 64 as SAM2,
 * the tiny mask decoder (≈ 0.25 M parameters) and a ≈ 0.37 M-parameter patch encoder.
 */
export const TINY_SAM2_CONFIGS: Readonly<Record<TinySam2ConfigName, TinySam2Config>> = Object.freeze({
  'tiny-128': Object.freeze({
    name: 'tiny-128',
    dims: sam2DimsForImageSize(128),
    encoder: Object.freeze({ stem: 32, mid: 64, top: 128, contextBlocks: 2 }),
    decoder: Object.freeze({ ...TINY_MASK_DECODER_CONFIG, featSize: 8 }),
    behaviourPreset: 'tiny-128',
  }),
});

/**
 * What is wrong with a config (empty when nothing): dims consistent with the image side, the decoder
 * at the dims' grid and width, positive encoder widths.
 */
export function tinySam2ConfigProblems(config: TinySam2Config): string[] {
  if (!config?.dims || !config.encoder || !config.decoder)
    return ['the config needs dims, encoder and decoder'];
  const problems = sam2DimsProblems(config.dims).map((p) => `dims.${p.problem}`);
  if (config.decoder.featSize !== config.dims.featSize)
    problems.push(
      `decoder.featSize must be dims.featSize = ${config.dims.featSize}, not ${config.decoder.featSize}`,
    );
  if (config.decoder.transformerDim !== config.dims.embedDim)
    problems.push(
      `decoder.transformerDim must be dims.embedDim = ${config.dims.embedDim}, not ${config.decoder.transformerDim}`,
    );
  for (const key of ['stem', 'mid', 'top'] as const) {
    const v = config.encoder[key];
    if (!Number.isInteger(v) || v < 1) problems.push(`encoder.${key} must be a positive integer, not ${v}`);
  }
  if (!Number.isInteger(config.encoder.contextBlocks) || config.encoder.contextBlocks < 0)
    problems.push(`encoder.contextBlocks must be an integer ≥ 0, not ${config.encoder.contextBlocks}`);
  return problems;
}

/** Prefix of the image encoder's tensors in a tiny SAM2 checkpoint. */
export const TINY_IMAGE_ENCODER_PREFIX = 'image_encoder.';

/** One parameter of the patch encoder: PyTorch layout, and how it is drawn at initialisation. */
interface EncoderParam {
  readonly name: string;
  readonly dims: readonly number[];
  /** Standard deviation of the initial draw (weights), or of a small random bias. */
  readonly scale: number;
}

function encoderParams(config: TinySam2Config): EncoderParam[] {
  const { stem, mid, top, contextBlocks } = config.encoder;
  const C = config.dims.embedDim;
  const conv = (name: string, cout: number, cin: number, k: number, gain: number): EncoderParam[] => [
    { name: `${name}.weight`, dims: [cout, cin, k, k], scale: gain / Math.sqrt(cin * k * k) },
    { name: `${name}.bias`, dims: [cout], scale: 0.02 },
  ];
  const params = [
    ...conv('stem', stem, 3, 4, Math.SQRT2),
    ...conv('down8', mid, stem, 2, Math.SQRT2),
    ...conv('down16', top, mid, 2, Math.SQRT2),
  ];
  // Residual branches start small so the stack begins near the identity.
  for (let i = 0; i < contextBlocks; i++) params.push(...conv(`context.${i}`, top, top, 3, 0.5));
  params.push(
    ...conv('neck', C, top, 1, 1),
    ...conv('conv_s1', C / 4, mid, 1, 1),
    ...conv('conv_s0', C / 8, stem, 1, 1),
    { name: 'no_mem_embed', dims: [1, C, 1, 1], scale: 0.02 },
  );
  return params.map((p) => ({ ...p, name: `${TINY_IMAGE_ENCODER_PREFIX}${p.name}` }));
}

/** Every patch-encoder tensor with its PyTorch shape (convolutions [cout, cin, kh, kw]). */
export function tinyImageEncoderWeightShapes(config: TinySam2Config): Map<string, readonly number[]> {
  return new Map(encoderParams(config).map((p) => [p.name, p.dims]));
}

/** Random patch-encoder weights from a seed: He-scaled convolutions, each tensor drawn on its own. */
export function randomTinyImageEncoderWeights(
  config: TinySam2Config,
  seed: number,
): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  for (const [i, p] of encoderParams(config).entries()) {
    const random = gaussianSource(seed * 7919 + i);
    const count = p.dims.reduce((a, b) => a * b, 1);
    out.set(p.name, { dims: p.dims, data: Float32Array.from({ length: count }, () => p.scale * random()) });
  }
  return out;
}
