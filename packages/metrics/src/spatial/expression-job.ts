import type { BinaryMask } from '../masks/binary-mask.js';
import { foregroundSpan } from './bi-fore.js';
import { frameScores } from './davis.js';
import { type ExpressionFrameScores, frameAccuracy, scoreExpressionFrames } from './refvos.js';

/** Everything one expression needs from its masks; computed inline or in a worker thread. */
export interface ExpressionMaskScores {
  readonly frames: ExpressionFrameScores;
  /** ReVOS per-frame accuracy A, when requested. */
  readonly accuracy?: Float64Array;
  readonly gtSpan: { first: number; last: number } | null;
  readonly predSpan: { first: number; last: number } | null;
}

/** Per-frame J/F (and optionally A) plus the foreground spans of one expression's GT and predicted masks. */
export function scoreExpressionMasks(
  gt: readonly BinaryMask[],
  pred: readonly BinaryMask[],
  options: { accuracy?: boolean; item?: string; path?: string } = {},
): ExpressionMaskScores {
  const frames = scoreExpressionFrames(gt, pred, options.item, options.path);
  return {
    frames,
    ...(options.accuracy
      ? { accuracy: Float64Array.from(gt, (g, t) => frameAccuracy(g, pred[t] as BinaryMask)) }
      : {}),
    gtSpan: foregroundSpan(gt),
    predSpan: foregroundSpan(pred),
  };
}

export { frameScores };
