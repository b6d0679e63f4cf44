import { parseLoomBenchFile, scoreLoomBench } from '@videoloom/metrics';
import type { ScoreProgressEvent } from './progress.js';
import { formatTable } from './report.js';
import { readJson, type ScoreOutcome } from './temporal.js';

const pct = (x: number | null | undefined): number | null =>
  x === null || x === undefined ? null : Number((100 * x).toFixed(1));

/** LoomBench When / Where / Combined from the versioned JSON format documented in @videoloom/metrics. */
export function scoreLoomBenchFiles(o: {
  gt: string;
  pred: string;
  strict: boolean;
  onProgress?: (e: ScoreProgressEvent) => void;
}): ScoreOutcome {
  const gt = parseLoomBenchFile(readJson(o.gt), o.gt, 'gt');
  const pred = parseLoomBenchFile(readJson(o.pred), o.pred, 'pred');
  o.onProgress?.({ type: 'score-start', total: gt.items.length, label: 'loombench' });
  const r = scoreLoomBench(gt, pred, { gt: o.gt, pred: o.pred }, (done, total) =>
    o.onProgress?.({ type: 'score-progress', done, total }),
  );
  o.onProgress?.({ type: 'score-end', total: gt.items.length });
  const m = r.metrics;
  return {
    report: {
      format: 'videoloom-eval-score',
      version: 1,
      benchmark: 'loombench',
      mode: o.strict ? 'strict' : 'official',
      units: 'fractions in [0,1]',
      metrics: m,
      per_item: r.perItem,
      unavailable: [],
      inputs: { gt: o.gt, pred: o.pred },
    },
    table: formatTable(
      `LoomBench (when ${r.counts.when}, where ${r.counts.where}, combined ${r.counts.combined}; x100)`,
      ['When mIoU', 'When R1@0.5', 'Where J&F', 'Comb J&F_p', 'Comb J&F_g', 'Comb J&F_bi-fore'],
      [
        {
          label: '',
          values: [
            pct(m['when.mIoU']),
            pct(m['when.R1@0.5']),
            pct(m['where.J&F']),
            pct(m['combined.JFp']),
            pct(m['combined.JFg']),
            pct(m['combined.JF_bi_fore']),
          ],
        },
      ],
    ),
  };
}
