import { InvalidMetricInputError } from '../errors/index.js';
import type { BinaryMask } from '../masks/binary-mask.js';
import { numpyMean, pyRound } from '../numeric/numpy.js';
import { frameScores } from './davis.js';

/** Per-frame J and F of one expression (all frames of the video, in frame order). */
export interface ExpressionFrameScores {
  /** Per-frame region similarity, length = number of frames. */
  readonly J: Float64Array;
  /** Per-frame boundary F, length = number of frames. */
  readonly F: Float64Array;
}

/** Scores every frame of one expression; `gt[t]` and `pred[t]` are frame t's masks (same size). */
export function scoreExpressionFrames(
  gt: readonly BinaryMask[],
  pred: readonly BinaryMask[],
  item = '<expression>',
  path = '<memory>',
): ExpressionFrameScores {
  if (gt.length !== pred.length) {
    throw new InvalidMetricInputError(
      path,
      item,
      'prediction frame count differs from the ground truth',
      `${gt.length} frames`,
      String(pred.length),
    );
  }
  const J = new Float64Array(gt.length);
  const F = new Float64Array(gt.length);
  for (let t = 0; t < gt.length; t++) {
    const s = frameScores(gt[t] as BinaryMask, pred[t] as BinaryMask);
    J[t] = s.J;
    F[t] = s.F;
  }
  return { J, F };
}

/** One scored expression: per-frame scores plus the mean over all frames (J_e, F_e). */
export interface ExpressionScore extends ExpressionFrameScores {
  readonly id: string;
  readonly Je: number;
  readonly Fe: number;
  /** ReVOS `type_id`: 0 referring, 1 reasoning (2 is dropped by the official script). */
  readonly typeId?: number;
  /** ReVOS accuracy A (mean over frames of {@link frameAccuracy}), when computed. */
  readonly Ae?: number;
}

export function expressionScore(
  id: string,
  frames: ExpressionFrameScores,
  typeId?: number,
  accuracy?: Float64Array,
): ExpressionScore {
  return {
    id,
    ...frames,
    Je: numpyMean(frames.J),
    Fe: numpyMean(frames.F),
    ...(typeId === undefined ? {} : { typeId }),
    ...(accuracy === undefined ? {} : { Ae: numpyMean(accuracy) }),
  };
}

/**
 * ReVOS accuracy A of one frame (`get_r2vos_accuracy`): fraction of pixels where the RAW ground truth (the
 * uint8 sum of the referred objects' masks, so overlaps are 2) equals the prediction value.
 */
export function frameAccuracy(gtSum: BinaryMask, pred: BinaryMask): number {
  const a = gtSum.data;
  const b = pred.data;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** MeViS / Ref-DAVIS17 / Ref-YouTube-VOS: J, F = mean over expressions, J&F = (J + F) / 2 (fractions). */
export function aggregateMevis(expressions: readonly ExpressionScore[]): {
  J: number;
  F: number;
  'J&F': number;
  printed: { J: number; F: number; 'J&F': number };
} {
  if (expressions.length === 0)
    throw new InvalidMetricInputError(
      '<memory>',
      undefined,
      'no expression to aggregate',
      'at least one expression',
      '0',
    );
  const J = numpyMean(expressions.map((e) => e.Je));
  const F = numpyMean(expressions.map((e) => e.Fe));
  const JF = (J + F) / 2;
  return {
    J,
    F,
    'J&F': JF,
    printed: { J: pyRound(100 * J, 2), F: pyRound(100 * F, 2), 'J&F': pyRound(100 * JF, 2) },
  };
}

export interface RevosSubset {
  readonly J: number;
  readonly F: number;
  readonly 'J&F': number;
  /** Accuracy A (percent), when every expression of the subset has it. */
  readonly A?: number;
  readonly count: number;
}

/**
 * ReVOS (`eval_revos.py`): per-expression J_e, F_e rounded to 2 decimals in percent FIRST; subset means over
 * the rounded values (referring = type 0, reasoning = type 1); overall = mean of the two subset means; type 2
 * dropped. Values are percent, as the official script prints them.
 */
export function aggregateRevos(expressions: readonly ExpressionScore[]): {
  referring: RevosSubset;
  reasoning: RevosSubset;
  overall: RevosSubset;
} {
  const subset = (type: number): RevosSubset => {
    const es = expressions.filter((e) => e.typeId === type);
    if (es.length === 0) {
      throw new InvalidMetricInputError(
        '<memory>',
        undefined,
        `no ReVOS expression with type_id ${type}`,
        'referring (0) and reasoning (1) expressions',
        '0',
      );
    }
    const J = numpyMean(es.map((e) => pyRound(100 * e.Je, 2)));
    const F = numpyMean(es.map((e) => pyRound(100 * e.Fe, 2)));
    const hasA = es.every((e) => e.Ae !== undefined);
    const A = hasA ? numpyMean(es.map((e) => pyRound(100 * (e.Ae as number), 2))) : undefined;
    return { J, F, 'J&F': (J + F) / 2, ...(A === undefined ? {} : { A }), count: es.length };
  };
  const referring = subset(0);
  const reasoning = subset(1);
  // the official operation order: overall J&F = mean of the two subset J&Fs
  const overall: RevosSubset = {
    J: (referring.J + reasoning.J) / 2,
    F: (referring.F + reasoning.F) / 2,
    'J&F': (referring['J&F'] + reasoning['J&F']) / 2,
    ...(referring.A !== undefined && reasoning.A !== undefined ? { A: (referring.A + reasoning.A) / 2 } : {}),
    count: referring.count + reasoning.count,
  };
  return { referring, reasoning, overall };
}
