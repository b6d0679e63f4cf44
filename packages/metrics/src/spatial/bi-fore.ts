import type { BinaryMask } from '../masks/binary-mask.js';
import { numpyMean } from '../numeric/numpy.js';
import type { ExpressionFrameScores } from './refvos.js';

/** Inclusive frame range [first, last] of frames with any foreground, or null when every frame is empty. */
export function foregroundSpan(masks: readonly BinaryMask[]): { first: number; last: number } | null {
  let first = -1;
  let last = -1;
  masks.forEach((m, t) => {
    if (m.data.some((v) => v !== 0)) {
      if (first < 0) first = t;
      last = t;
    }
  });
  return first < 0 ? null : { first, last };
}

export type BiForeStatus = 'ok' | 'pred_empty' | 'degenerate_gt_empty' | 'degenerate_both_empty';

/** Bidirectional foreground J&F of one expression (VideoLoom eq. 3); fractions. */
export interface BiForeScore {
  readonly Jp: number;
  readonly Fp: number;
  readonly Jg: number;
  readonly Fg: number;
  readonly JFp: number;
  readonly JFg: number;
  /** Harmonic mean of J&F_p and J&F_g; null when the GT is empty on every frame (excluded from aggregates). */
  readonly JFbiFore: number | null;
  /** The number a caller must use when it cannot skip: both empty -> 1, GT empty but prediction not -> 0. */
  readonly JFbiForeFallback: number;
  readonly status: BiForeStatus;
  readonly predSpan: { first: number; last: number } | null;
  readonly gtSpan: { first: number; last: number } | null;
}

const spanMean = (v: Float64Array, s: { first: number; last: number }): number =>
  numpyMean(v.subarray(s.first, s.last + 1));

/**
 * J_p/F_p = mean per-frame DAVIS J/F over Loc(P) (inclusive span of predicted foreground), J_g/F_g over Loc(G);
 * J&F_bi-fore = ((J_p+F_p)(J_g+F_g)) / ((J_p+F_p)+(J_g+F_g)). Edge cases as the spec decides.
 */
export function biForeJF(
  gt: readonly BinaryMask[],
  pred: readonly BinaryMask[],
  frames: ExpressionFrameScores,
): BiForeScore {
  return biForeFromSpans(foregroundSpan(gt), foregroundSpan(pred), frames);
}

/** {@link biForeJF} from precomputed spans (what the worker pool returns). */
export function biForeFromSpans(
  gtSpan: { first: number; last: number } | null,
  predSpan: { first: number; last: number } | null,
  frames: ExpressionFrameScores,
): BiForeScore {
  const Jg = gtSpan ? spanMean(frames.J, gtSpan) : 0;
  const Fg = gtSpan ? spanMean(frames.F, gtSpan) : 0;
  const Jp = predSpan ? spanMean(frames.J, predSpan) : 0;
  const Fp = predSpan ? spanMean(frames.F, predSpan) : 0;
  const a = Jp + Fp;
  const b = Jg + Fg;
  const hm = a + b === 0 ? 0 : (a * b) / (a + b);
  let status: BiForeStatus = 'ok';
  if (!gtSpan) status = predSpan ? 'degenerate_gt_empty' : 'degenerate_both_empty';
  else if (!predSpan) status = 'pred_empty';
  return {
    Jp,
    Fp,
    Jg,
    Fg,
    JFp: a / 2,
    JFg: b / 2,
    JFbiFore: gtSpan ? hm : null,
    JFbiForeFallback: gtSpan ? hm : predSpan ? 0 : 1,
    status,
    predSpan,
    gtSpan,
  };
}

/**
 * Dataset level. The paper's Tab. 12 matches the harmonic mean of the averaged J&F_p and J&F_g
 * (`JF_bi_fore_hm_of_means`, the headline); the mean of per-question values is reported beside it.
 * Degenerate items (GT empty everywhere) are excluded.
 */
export function aggregateBiFore(items: readonly BiForeScore[]): {
  Jp: number;
  Fp: number;
  Jg: number;
  Fg: number;
  JFp: number;
  JFg: number;
  JF_bi_fore_hm_of_means: number;
  JF_bi_fore_mean_over_cases: number;
  count: number;
  excluded: number;
} {
  const ok = items.filter((i) => i.JFbiFore !== null);
  const m = (f: (i: BiForeScore) => number): number => (ok.length === 0 ? Number.NaN : numpyMean(ok.map(f)));
  const JFp = m((i) => i.JFp);
  const JFg = m((i) => i.JFg);
  return {
    Jp: m((i) => i.Jp),
    Fp: m((i) => i.Fp),
    Jg: m((i) => i.Jg),
    Fg: m((i) => i.Fg),
    JFp,
    JFg,
    JF_bi_fore_hm_of_means: JFp + JFg === 0 ? 0 : (2 * JFp * JFg) / (JFp + JFg),
    JF_bi_fore_mean_over_cases: m((i) => i.JFbiFore as number),
    count: ok.length,
    excluded: items.length - ok.length,
  };
}
