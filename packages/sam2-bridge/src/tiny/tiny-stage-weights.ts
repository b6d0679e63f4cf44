import { gaussianSource } from '../decoder/mask-decoder-weights.js';
import { SAM2_DIMS } from '../stages/contract.js';
import type { WeightTensor } from '../weights/safetensors.js';

/**
 * Parameters of the tiny stand-in stages (image encoder, memory encoder, memory attention): our own
 * small modules with SAM2's contract, shared by their ONNX builders and their tfjs implementation.
 */
export type TinyStageName = 'image_encoder' | 'memory_encoder' | 'memory_attention';

/** Width of the tiny memory attention's query/key/value space. */
export const TINY_ATTENTION_DIM = 32;
/** Pooling of spatial memories in the tiny memory attention (64×64 → 16×16 tokens per memory). */
export const TINY_MEMORY_POOL = 4;

const C = SAM2_DIMS.embedDim;
const M = SAM2_DIMS.memDim;
const D = TINY_ATTENTION_DIM;

interface ParamSpec {
  readonly name: string;
  readonly dims: readonly number[];
  /** Added to the stage seed: each tensor has its own stream. */
  readonly seedOffset: number;
  readonly scale: number;
}

const SPECS: Record<TinyStageName, readonly ParamSpec[]> = {
  image_encoder: [
    { name: 'trunk16.weight', dims: [C, 3, 1, 1], seedOffset: 0, scale: 1 },
    { name: 'trunk16.bias', dims: [C], seedOffset: 1, scale: 0.3 },
    { name: 'no_mem_embed', dims: [1, C, 1, 1], seedOffset: 2, scale: 0.1 },
    { name: 'conv_s1.weight', dims: [C / 4, 3, 1, 1], seedOffset: 3, scale: 1 },
    { name: 'conv_s1.bias', dims: [C / 4], seedOffset: 4, scale: 0.3 },
    { name: 'conv_s0.weight', dims: [C / 8, 3, 1, 1], seedOffset: 5, scale: 1 },
    { name: 'conv_s0.bias', dims: [C / 8], seedOffset: 6, scale: 0.3 },
  ],
  memory_encoder: [
    { name: 'mask_proj.weight', dims: [M, 1, 1, 1], seedOffset: 0, scale: 0.3 },
    { name: 'mask_proj.bias', dims: [M], seedOffset: 1, scale: 0.1 },
    { name: 'pix_proj.weight', dims: [M, C, 1, 1], seedOffset: 2, scale: 1 / Math.sqrt(C) },
    { name: 'pix_proj.bias', dims: [M], seedOffset: 3, scale: 0.1 },
    { name: 'no_obj_embed_spatial', dims: [1, M, 1, 1], seedOffset: 4, scale: 0.5 },
  ],
  memory_attention: [
    { name: 'q.weight', dims: [C, D], seedOffset: 0, scale: 1 / Math.sqrt(C) },
    { name: 'maskmem_tpos_enc', dims: [7, M], seedOffset: 1, scale: 0.5 },
    { name: 'ptr_tpos.weight', dims: [1, C], seedOffset: 2, scale: 1 },
    { name: 'k.weight', dims: [M, D], seedOffset: 3, scale: 1 / Math.sqrt(M) },
    { name: 'v.weight', dims: [M, D], seedOffset: 4, scale: 1 / Math.sqrt(M) },
    { name: 'o.weight', dims: [D, C], seedOffset: 5, scale: 1 / Math.sqrt(D) },
  ],
};

/** The tensors of one tiny stage, by name, with their shapes. */
export type TinyStageWeights = ReadonlyMap<string, WeightTensor>;

/** Random tiny-stage weights from a seed (each tensor drawn on its own). */
export function randomTinyStageWeights(stage: TinyStageName, seed: number): TinyStageWeights {
  const weights = new Map<string, WeightTensor>();
  for (const spec of SPECS[stage]) {
    const random = gaussianSource(seed + spec.seedOffset);
    const count = spec.dims.reduce((a, b) => a * b, 1);
    weights.set(spec.name, {
      dims: spec.dims,
      data: Float32Array.from({ length: count }, () => spec.scale * random()),
    });
  }
  return weights;
}

/** Shapes every tiny stage's weights must have. */
export function tinyStageWeightShapes(stage: TinyStageName): Map<string, readonly number[]> {
  return new Map(SPECS[stage].map((s) => [s.name, s.dims]));
}
