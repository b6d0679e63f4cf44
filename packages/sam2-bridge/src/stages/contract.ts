import type { ModelContract } from '@videoloom/backend';

/** The four stage graphs, in the order a frame meets them. */
export const SAM2_STAGES = ['image_encoder', 'mask_decoder', 'memory_encoder', 'memory_attention'] as const;
export type Sam2StageName = (typeof SAM2_STAGES)[number];

/** Fixed sizes of SAM2's video path (every model size shares them, reference §3). */
export interface Sam2Dims {
  /** Square input side. @defaultValue 1024 */
  readonly imageSize: number;
  /** Embedding width C. @defaultValue 256 */
  readonly embedDim: number;
  /** Memory width. @defaultValue 64 */
  readonly memDim: number;
  /** Side of the stride-16 grid: imageSize / 16. @defaultValue 64 */
  readonly featSize: number;
  /** Side of the low-res mask logits: 4 × featSize. @defaultValue 256 */
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
