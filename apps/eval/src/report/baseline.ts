import { charadesIoU, InvalidMetricInputError, numpyMean } from '@videoloom/metrics';

/** One When item as the constant-span baseline sees it: the true span and its video's duration. */
export interface ConstantSpanItem {
  readonly id: string;
  /** True answer span `[startSeconds, endSeconds]`. */
  readonly span: readonly [number, number];
  /** Duration of the item's video in seconds (> 0). */
  readonly durationSeconds: number;
}

/** Fractions in [0, 1], as `scoreLoomBench` reports `when.*`. */
export interface ConstantSpanScores {
  readonly 'R1@0.3': number;
  readonly 'R1@0.5': number;
  readonly 'R1@0.7': number;
  readonly mIoU: number;
  readonly count: number;
}

/** The objective a constant span is chosen for. */
export type ConstantSpanObjective = 'R1@0.5' | 'mIoU';

export interface ConstantSpanFit {
  readonly objective: ConstantSpanObjective;
  /** The span `[a, b]` as fractions of each video's duration: the prediction is `[a * d, b * d]` seconds. */
  readonly span: readonly [number, number];
  /** Its scores on the items it was fitted on. */
  readonly fit: ConstantSpanScores;
}

/** The constant prediction `[a * d, b * d]` seconds for a video of `d` seconds. */
export function constantSpanSeconds(
  span: readonly [number, number],
  durationSeconds: number,
): [number, number] {
  return [span[0] * durationSeconds, span[1] * durationSeconds];
}

/** Checks items (finite span with start <= end, positive duration); the error names the item. */
function checkItems(items: readonly ConstantSpanItem[], source: string): void {
  for (const it of items) {
    const [s, e] = it.span;
    if (!(Number.isFinite(s) && Number.isFinite(e) && s <= e))
      throw new InvalidMetricInputError(
        source,
        it.id,
        'unusable GT span',
        'finite [startSeconds, endSeconds] with start <= end',
        JSON.stringify(it.span),
      );
    if (!(Number.isFinite(it.durationSeconds) && it.durationSeconds > 0))
      throw new InvalidMetricInputError(
        source,
        it.id,
        'unusable video duration',
        'a positive number of seconds',
        String(it.durationSeconds),
      );
  }
}

/**
 * Per-item tIoU (Charades IoU, as `scoreLoomBench`) of the constant span, and the When scores.
 * A zero-length GT span at the exact point of a zero-length prediction cannot happen (the grid has b > a).
 */
export function scoreConstantSpan(
  span: readonly [number, number],
  items: readonly ConstantSpanItem[],
  source = '<items>',
): ConstantSpanScores & { readonly perItem: readonly number[] } {
  checkItems(items, source);
  const perItem = items.map((it) => charadesIoU(it.span, constantSpanSeconds(span, it.durationSeconds)));
  const n = perItem.length;
  const hits = (t: number) => (n === 0 ? 0 : perItem.filter((x) => x >= t).length / n);
  return {
    'R1@0.3': hits(0.3),
    'R1@0.5': hits(0.5),
    'R1@0.7': hits(0.7),
    mIoU: n === 0 ? 0 : numpyMean(perItem),
    count: n,
    perItem,
  };
}

export interface FitConstantSpanOptions {
  /** Grid step as a fraction of the duration; 1 / step must be an integer. @defaultValue 0.01 */
  readonly step?: number;
  /** File the items came from, for error messages. */
  readonly source?: string;
}

/**
 * The best constant span over a split: grid search over every `[i / n, j / n]`, `0 <= i < j <= n`,
 * `n = 1 / step` (5050 spans at the default step), maximising `objective` over the items, ties broken
 * by the other metric, then by the smaller start, then the smaller end (deterministic). The IoU is
 * computed in seconds exactly as the scorer computes a prediction `[a * d, b * d]`, so the fitted
 * numbers equal what `scoreLoomBench` gives that prediction.
 * @throws InvalidMetricInputError when there are no items or an item is unusable
 */
export function fitConstantSpan(
  items: readonly ConstantSpanItem[],
  objective: ConstantSpanObjective,
  options: FitConstantSpanOptions = {},
): ConstantSpanFit {
  const source = options.source ?? '<items>';
  const step = options.step ?? 0.01;
  const n = Math.round(1 / step);
  if (!(n >= 1 && Math.abs(n * step - 1) < 1e-9))
    throw new RangeError(`grid step must divide 1 into whole steps, received ${step}`);
  if (items.length === 0)
    throw new InvalidMetricInputError(
      source,
      undefined,
      'no When items to fit the constant span on',
      'at least one item with task "when"',
      'none',
    );
  checkItems(items, source);
  const m = items.length;
  const starts = Float64Array.from(items, (it) => it.span[0]);
  const ends = Float64Array.from(items, (it) => it.span[1]);
  const durations = Float64Array.from(items, (it) => it.durationSeconds);
  const ious = new Float64Array(m);
  // Candidates in order of (start, end): a later candidate replaces the best only when strictly better.
  let best = { i: 0, j: 1, primary: Number.NEGATIVE_INFINITY, secondary: Number.NEGATIVE_INFINITY };
  for (let i = 0; i < n; i++) {
    const a = i / n;
    for (let j = i + 1; j <= n; j++) {
      const b = j / n;
      let hits = 0;
      for (let k = 0; k < m; k++) {
        const d = durations[k]!;
        const iou = charadesIoU([starts[k]!, ends[k]!], [a * d, b * d]);
        ious[k] = iou;
        if (iou >= 0.5) hits++;
      }
      const r1 = hits / m;
      const mean = numpyMean(ious);
      const [primary, secondary] = objective === 'R1@0.5' ? [r1, mean] : [mean, r1];
      if (primary > best.primary || (primary === best.primary && secondary > best.secondary))
        best = { i, j, primary, secondary };
    }
  }
  const span: [number, number] = [best.i / n, best.j / n];
  const { perItem: _, ...fit } = scoreConstantSpan(span, items, source);
  return { objective, span, fit };
}
