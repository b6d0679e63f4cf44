/**
 * The names of VideoLoom's own ops, in one table. Each op has implementation files under ops/, one per
 * backend family, registered in ops/register-all.ts.
 */
export const OP_NAMES = Object.freeze({
  /** Average-pools a [frames, h, w, c] token grid by k x k: SlowFast's 256 -> 16 fast tokens per frame. */
  avgPoolTokens: 'AvgPoolTokens',
  /** Bilinear upsampling of [n, h, w] mask logits to a target size, then `> 0`: SAM2's mask post-processing. */
  maskResizeThreshold: 'MaskResizeThreshold',
} as const);

export type OpName = (typeof OP_NAMES)[keyof typeof OP_NAMES];
