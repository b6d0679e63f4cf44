import type { ModelContract } from '@videoloom/backend';
import { Sam2InputError } from '../errors/input-error.js';

/** The four stage graphs, in the order a frame meets them. */
export const SAM2_STAGES = ['image_encoder', 'mask_decoder', 'memory_encoder', 'memory_attention'] as const;
export type Sam2StageName = (typeof SAM2_STAGES)[number];

/**
 * Sizes of SAM2's video path (reference §3). Every real SAM2 model uses `SAM2_DIMS`; small synthetic
 * models change the input side (and with it the grids) but keep the channel widths, so the 256-d
 * `[SEG]` prompt contract holds everywhere. A manifest records the dims its graphs were built for.
 */
export interface Sam2Dims {
  /** Square input side, a multiple of 16. @defaultValue 1024 */
  readonly imageSize: number;
  /** Embedding width C (the prompt width). @defaultValue 256 */
  readonly embedDim: number;
  /** Memory width. @defaultValue 64 */
  readonly memDim: number;
  /** Side of the stride-16 grid: imageSize / 16. @defaultValue 64 */
  readonly featSize: number;
  /** Side of the low-res mask logits: 4 × featSize (stride 4). @defaultValue 256 */
  readonly lowResSize: number;
}

export const SAM2_DIMS: Sam2Dims = Object.freeze({
  imageSize: 1024,
  embedDim: 256,
  memDim: 64,
  featSize: 64,
  lowResSize: 256,
});

/**
 * The dims of a model taking `imageSize`² frames with SAM2's channel widths: featSize = imageSize / 16,
 * lowResSize = imageSize / 4. `sam2DimsForImageSize(128)` is the tiny-128 model (8² grid, 32² masks).
 */
export function sam2DimsForImageSize(imageSize: number): Sam2Dims {
  const dims = { ...SAM2_DIMS, imageSize, featSize: imageSize / 16, lowResSize: imageSize / 4 };
  if (sam2DimsProblems(dims).length > 0)
    throw new Sam2InputError('imageSize', 'a positive multiple of 16', String(imageSize));
  return Object.freeze(dims);
}

/** One inconsistent field of a set of dims. */
export interface Sam2DimsProblem {
  readonly field: keyof Sam2Dims;
  readonly expected: string;
  /** "featSize must be imageSize / 16 = 8, not 64" */
  readonly problem: string;
}

/**
 * What is inconsistent in a set of dims (empty when none): the image side must be a positive multiple
 * of 16, the grids must follow from it, and the widths are SAM2's (the graph contract and the 256-d
 * prompt depend on them).
 */
export function sam2DimsProblems(dims: Sam2Dims): Sam2DimsProblem[] {
  const out: Sam2DimsProblem[] = [];
  const bad = (field: keyof Sam2Dims, expected: string) =>
    out.push({ field, expected, problem: `${field} must be ${expected}, not ${dims[field]}` });
  const I = dims.imageSize;
  if (!Number.isInteger(I) || I < 16 || I % 16 !== 0) bad('imageSize', 'a positive multiple of 16');
  else {
    if (dims.featSize !== I / 16) bad('featSize', `imageSize / 16 = ${I / 16}`);
    if (dims.lowResSize !== I / 4) bad('lowResSize', `4 × featSize = ${I / 4}`);
  }
  if (dims.embedDim !== SAM2_DIMS.embedDim)
    bad('embedDim', `${SAM2_DIMS.embedDim} (SAM2's width, the prompt width)`);
  if (dims.memDim !== SAM2_DIMS.memDim) bad('memDim', `${SAM2_DIMS.memDim} (SAM2's memory width)`);
  return out;
}

/**
 * The graph contract of reference §5: names, dtypes and dims each stage must declare. String dims
 * are free (B = objects tracked together, K = prompt tokens, N = spatial memories, P = pointers).
 */
export function sam2StageContracts(dims: Sam2Dims = SAM2_DIMS): Record<Sam2StageName, ModelContract> {
  const { imageSize: I, embedDim: C, memDim: M, featSize: S, lowResSize: L } = dims;
  const f32 = (name: string, d: (number | string)[]) => ({ name, dtype: 'float32', dims: d });
  return {
    image_encoder: {
      inputs: [f32('image', ['B', 3, I, I])],
      outputs: [
        f32('vision_feat', ['B', C, S, S]),
        f32('pix_feat_no_mem', ['B', C, S, S]),
        f32('high_res_feat0', ['B', C / 8, 4 * S, 4 * S]),
        f32('high_res_feat1', ['B', C / 4, 2 * S, 2 * S]),
      ],
    },
    mask_decoder: {
      inputs: [
        f32('image_embed', ['B', C, S, S]),
        f32('high_res_feat0', ['B', C / 8, 4 * S, 4 * S]),
        f32('high_res_feat1', ['B', C / 4, 2 * S, 2 * S]),
        f32('prompt_embed', ['B', 'K', C]),
      ],
      outputs: [
        f32('low_res_masks', ['B', 4, L, L]),
        f32('iou_pred', ['B', 4]),
        f32('obj_ptr', ['B', 4, C]),
        f32('object_score_logits', ['B', 1]),
      ],
    },
    memory_encoder: {
      inputs: [
        f32('vision_feat', ['B', C, S, S]),
        f32('mask_logits', ['B', 1, L, L]),
        f32('object_score_logits', ['B', 1]),
      ],
      outputs: [f32('maskmem_features', ['B', M, S, S])],
    },
    memory_attention: {
      inputs: [
        f32('vision_feat', ['B', C, S, S]),
        f32('maskmem_features', ['N', 'B', M, S, S]),
        { name: 'maskmem_tpos_index', dtype: 'int64', dims: ['N'] },
        f32('obj_ptrs', ['P', 'B', C]),
        f32('obj_ptr_tpos', ['P']),
      ],
      outputs: [f32('pix_feat_with_mem', ['B', C, S, S])],
    },
  };
}
