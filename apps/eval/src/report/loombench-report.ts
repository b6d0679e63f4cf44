import { basename } from 'node:path';
import {
  InvalidMetricInputError,
  type LoomBenchFile,
  type LoomBenchItem,
  type LoomBenchPerItem,
  type LoomBenchTask,
  scoreLoomBench,
} from '@videoloom/metrics';
import {
  type ConstantSpanItem,
  type ConstantSpanScores,
  fitConstantSpan,
  scoreConstantSpan,
} from './baseline.js';
import type { Box } from './figure.js';

/** Name and version of the report JSON (`report.json`) that `videoloom-eval ablation` reads back. */
export const LOOMBENCH_REPORT_FORMAT = 'videoloom-eval-loombench-report' as const;
export const LOOMBENCH_REPORT_VERSION = 1 as const;

/** A prediction file and the row label it gets. */
export interface ReportModelInput {
  readonly label: string;
  readonly path: string;
}

/** `scoreLoomBench`'s per-item scores plus the item's video and its ranking score. */
export type ReportPerItem = LoomBenchPerItem & {
  readonly video?: string;
  /**
   * One number per item to rank items across tasks (for the qualitative examples): When = tIoU;
   * Where = J&F; Combined = mean of tIoU and the item's J&F_bi-fore (its fallback when undefined).
   */
  readonly score: number;
};

export interface LoomBenchModelReport {
  readonly label: string;
  readonly pred: string;
  /** Every `scoreLoomBench` metric (fractions in [0, 1]; `combined.excluded_degenerate` is a count). */
  readonly metrics: Record<string, number | null>;
  readonly perItem: readonly ReportPerItem[];
}

/** One fitted constant span and its scores on the fit items and on the evaluated split. */
export interface ConstantSpanResult {
  /** Fractions of each video's duration; the prediction is `[a * d, b * d]` seconds. */
  readonly span: readonly [number, number];
  readonly fit: ConstantSpanScores;
  readonly eval: ConstantSpanScores;
}

export interface ConstantSpanBaselineReport {
  /** Row label of the Table 4 layout. */
  readonly label: string;
  readonly fit: {
    /** The GT file the spans were fitted on (the evaluated one for an oracle fit). */
    readonly gt: string;
    /** True when fitted on the evaluated split itself: an upper bound of any constant span's score. */
    readonly oracle: boolean;
    readonly items: number;
    /** Grid step (fraction of the duration). */
    readonly step: number;
  };
  /** The span maximising R1@0.5 (ties: higher mIoU, then earlier start, then earlier end). */
  readonly bestR1: ConstantSpanResult;
  /** The span maximising mIoU (ties: higher R1@0.5, then earlier start, then earlier end). */
  readonly bestMIoU: ConstantSpanResult;
  /** tIoU of both spans on each evaluated When item. */
  readonly perItem: readonly {
    readonly id: string;
    readonly tIoUBestR1: number;
    readonly tIoUBestMIoU: number;
  }[];
}

/** A column of the Table 4 layout: which metric, under which group. */
export interface Table4Column {
  readonly group: 'When' | 'Where' | 'Combined';
  readonly name: string;
  /** Key in `LoomBenchModelReport.metrics`. */
  readonly metric: string;
}

export const TABLE4_COLUMNS: readonly Table4Column[] = [
  { group: 'When', name: 'R1@0.5', metric: 'when.R1@0.5' },
  { group: 'When', name: 'tIoU', metric: 'when.mIoU' },
  { group: 'Where', name: 'J&F', metric: 'where.J&F' },
  { group: 'Combined', name: 'tIoU', metric: 'combined.mIoU' },
  { group: 'Combined', name: 'J&F_bi-fore', metric: 'combined.JF_bi_fore' },
];

export interface TableRow {
  readonly label: string;
  readonly kind: 'baseline' | 'model';
  /** x100, rounded to one decimal, as printed; null = not applicable ("-"). */
  readonly values: readonly (number | null)[];
}

/** A qualitative example written as PNG. */
export interface ExampleRecord {
  readonly model: string;
  readonly id: string;
  readonly task: LoomBenchTask;
  /** `best`, `median`, `worst` or `p<percent>` (position in the ranking). */
  readonly name: string;
  /** 1-based rank by score (1 = best) among `of` items. */
  readonly rank: number;
  readonly of: number;
  readonly score: number;
  /** PNG path relative to the output folder. */
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** How the frame times were found (see the README). */
  readonly frameTimes: 'gt-frame-times' | 'video-frames' | 'assumed-uniform' | 'even-over-video';
  /** The strip, left to right. */
  readonly frames: readonly {
    /** The item's time for this frame (its `frameTimesSeconds` entry, or the chosen time). */
    readonly timeSeconds: number;
    /** The decoded video frame shown: the last one at or before `timeSeconds`. */
    readonly frameIndex: number;
    readonly frameTimeSeconds: number;
    /** Index into the item's masks, null for When items. */
    readonly maskIndex: number | null;
    /** Where the frame sits in the PNG (pixels). */
    readonly box: Box;
  }[];
}

export interface LoomBenchRunReport {
  readonly format: typeof LOOMBENCH_REPORT_FORMAT;
  readonly version: typeof LOOMBENCH_REPORT_VERSION;
  readonly units: string;
  readonly inputs: {
    readonly gt: string;
    /** sha256 of the GT file's bytes: `ablation` refuses to compare runs scored on different GT. */
    readonly gtSha256: string;
    readonly videos: string;
    readonly preds: readonly ReportModelInput[];
    readonly baselineFit: string | null;
  };
  readonly counts: Record<LoomBenchTask, number>;
  readonly table: { readonly columns: readonly Table4Column[]; readonly rows: readonly TableRow[] };
  readonly models: readonly LoomBenchModelReport[];
  readonly baseline: ConstantSpanBaselineReport | null;
  readonly examples: readonly ExampleRecord[];
}

/** A parsed LoomBench file with the path it came from. */
export interface LoadedLoomBench {
  readonly path: string;
  readonly file: LoomBenchFile;
}

const pct = (x: number | null | undefined): number | null =>
  x === null || x === undefined || Number.isNaN(x) ? null : Number((100 * x).toFixed(1));

function duplicates(items: readonly LoomBenchItem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.id, (counts.get(it.id) ?? 0) + 1);
  return new Map([...counts].filter(([, n]) => n > 1));
}

const sample = (ids: readonly string[]) =>
  `${ids
    .slice(0, 5)
    .map((id) => JSON.stringify(id))
    .join(', ')}${ids.length > 5 ? `, … (${ids.length} in all)` : ''}`;

/**
 * Checks that a prediction file answers exactly the GT's items: unique ids in both, no prediction for
 * an id the GT lacks (another split?), no GT item without a prediction.
 * @throws InvalidMetricInputError naming the file, the first offending id and a sample of the others
 */
export function checkItemIds(gt: LoadedLoomBench, pred: LoadedLoomBench): void {
  for (const f of [gt, pred]) {
    const dup = duplicates(f.file.items);
    if (dup.size > 0) {
      const [id, n] = [...dup][0] as [string, number];
      throw new InvalidMetricInputError(
        f.path,
        id,
        `duplicate item id (${n} items)`,
        'unique ids',
        sample([...dup.keys()]),
      );
    }
  }
  const gtIds = new Set(gt.file.items.map((it) => it.id));
  const predIds = new Set(pred.file.items.map((it) => it.id));
  const unknown = [...predIds].filter((id) => !gtIds.has(id));
  if (unknown.length > 0)
    throw new InvalidMetricInputError(
      pred.path,
      unknown[0],
      `${unknown.length} prediction id(s) are not in the ground truth ${gt.path} (a prediction file of another split?)`,
      "only the GT's ids",
      sample(unknown),
    );
  const missing = [...gtIds].filter((id) => !predIds.has(id));
  if (missing.length > 0)
    throw new InvalidMetricInputError(
      pred.path,
      missing[0],
      `${missing.length} GT item(s) of ${gt.path} have no prediction`,
      'one prediction per GT item',
      `missing ${sample(missing)}`,
    );
}

/** The ranking score of an item (see `ReportPerItem.score`). */
export function itemScore(p: LoomBenchPerItem): number {
  if (p.task === 'when') return p.tIoU ?? 0;
  if (p.task === 'where') return p['J&F'] ?? 0;
  const bi = p.biFore ? (p.biFore.JFbiFore ?? p.biFore.JFbiForeFallback) : 0;
  return ((p.tIoU ?? 0) + bi) / 2;
}

/** The When items of a GT file as the baseline needs them (span + video duration). */
export function constantSpanItems(
  gt: LoadedLoomBench,
  durations: ReadonlyMap<string, number>,
): ConstantSpanItem[] {
  return gt.file.items
    .filter((it) => it.task === 'when')
    .map((it) => {
      if (!it.span)
        throw new InvalidMetricInputError(
          gt.path,
          it.id,
          'missing GT span',
          '[startSeconds, endSeconds]',
          'none',
        );
      const d = durations.get(it.id);
      if (d === undefined)
        throw new InvalidMetricInputError(
          gt.path,
          it.id,
          'no video duration known',
          "the item's video probed",
          'none',
        );
      return { id: it.id, span: it.span, durationSeconds: d };
    });
}

export interface BuildReportInput {
  readonly gt: LoadedLoomBench;
  readonly gtSha256: string;
  readonly videos: string;
  readonly preds: readonly (ReportModelInput & { readonly file: LoomBenchFile })[];
  /** Durations (seconds) of the evaluated split's When items' videos, by item id. */
  readonly durations: ReadonlyMap<string, number>;
  /** Fit split for the constant baseline; undefined = fit on the evaluated split (oracle). */
  readonly baselineFit?: LoadedLoomBench & { readonly durations: ReadonlyMap<string, number> };
  /** @defaultValue 0.01 */
  readonly baselineStep?: number;
}

/**
 * Scores every prediction file with `scoreLoomBench`, fits the constant-span baseline and lays out
 * the Table 4 rows (baseline first, then one row per model label). Examples are added by the caller.
 * @throws InvalidMetricInputError for mismatched ids or unusable items (naming file and item)
 */
export function buildLoomBenchReport(input: BuildReportInput): LoomBenchRunReport {
  const labels = new Set<string>();
  const models: LoomBenchModelReport[] = input.preds.map((p) => {
    if (labels.has(p.label))
      throw new InvalidMetricInputError(
        p.path,
        undefined,
        'model label used twice',
        'one label per prediction file',
        JSON.stringify(p.label),
      );
    labels.add(p.label);
    checkItemIds(input.gt, { path: p.path, file: p.file });
    const r = scoreLoomBench(input.gt.file, p.file, { gt: input.gt.path, pred: p.path });
    const videoOf = new Map(input.gt.file.items.map((it) => [it.id, it.video]));
    const perItem = r.perItem.map((s) => {
      const video = videoOf.get(s.id);
      return { ...s, ...(video === undefined ? {} : { video }), score: itemScore(s) };
    });
    return { label: p.label, pred: p.path, metrics: r.metrics, perItem };
  });
  const counts: Record<LoomBenchTask, number> = { when: 0, where: 0, combined: 0 };
  for (const it of input.gt.file.items)
    if (it.task === 'when' || it.task === 'where' || it.task === 'combined') counts[it.task]++;
  const evalItems = constantSpanItems(input.gt, input.durations);
  let baseline: ConstantSpanBaselineReport | null = null;
  if (evalItems.length > 0) {
    const fitSource = input.baselineFit ?? { ...input.gt, durations: input.durations };
    const fitItems = input.baselineFit
      ? constantSpanItems(input.baselineFit, input.baselineFit.durations)
      : evalItems;
    const step = input.baselineStep ?? 0.01;
    const oracle = input.baselineFit === undefined;
    const fitR1 = fitConstantSpan(fitItems, 'R1@0.5', { step, source: fitSource.path });
    const fitMIoU = fitConstantSpan(fitItems, 'mIoU', { step, source: fitSource.path });
    const evalR1 = scoreConstantSpan(fitR1.span, evalItems, input.gt.path);
    const evalMIoU = scoreConstantSpan(fitMIoU.span, evalItems, input.gt.path);
    const strip = ({ perItem: _, ...s }: typeof evalR1): ConstantSpanScores => s;
    baseline = {
      label: oracle ? 'Constant span (oracle fit)' : `Constant span (fit: ${basename(fitSource.path)})`,
      fit: { gt: fitSource.path, oracle, items: fitItems.length, step },
      bestR1: { span: fitR1.span, fit: fitR1.fit, eval: strip(evalR1) },
      bestMIoU: { span: fitMIoU.span, fit: fitMIoU.fit, eval: strip(evalMIoU) },
      perItem: evalItems.map((it, k) => ({
        id: it.id,
        tIoUBestR1: evalR1.perItem[k] as number,
        tIoUBestMIoU: evalMIoU.perItem[k] as number,
      })),
    };
  }
  const rows: TableRow[] = [];
  if (baseline)
    rows.push({
      label: baseline.label,
      kind: 'baseline',
      values: [pct(baseline.bestR1.eval['R1@0.5']), pct(baseline.bestMIoU.eval.mIoU), null, null, null],
    });
  for (const m of models)
    rows.push({ label: m.label, kind: 'model', values: TABLE4_COLUMNS.map((c) => pct(m.metrics[c.metric])) });
  return {
    format: LOOMBENCH_REPORT_FORMAT,
    version: LOOMBENCH_REPORT_VERSION,
    units:
      'metrics, baseline and per-item scores: fractions in [0, 1]; table values: x100 rounded to 1 decimal; spans: seconds (baseline spans: fractions of the video duration)',
    inputs: {
      gt: input.gt.path,
      gtSha256: input.gtSha256,
      videos: input.videos,
      preds: input.preds.map(({ label, path }) => ({ label, path })),
      baselineFit: input.baselineFit?.path ?? null,
    },
    counts,
    table: { columns: TABLE4_COLUMNS, rows },
    models,
    baseline,
    examples: [],
  };
}
