import { readFileSync } from 'node:fs';
import {
  charadesQueriesFromFiles,
  dvcVideosFromFiles,
  InvalidMetricInputError,
  parseJsonOrJsonl,
  type QvhGtItem,
  type QvhPredItem,
  scoreCharades,
  scoreQvHighlights,
  scoreYouCook2,
} from '@videoloom/metrics';
import type { ScoreProgressEvent } from './progress.js';
import { formatTable, type ScoreReport } from './report.js';

export interface ScoreOutcome {
  readonly report: ScoreReport;
  /** The paper-style table printed on stdout. */
  readonly table: string;
}

export interface CommonOptions {
  readonly gt: string;
  readonly pred: string;
  readonly strict: boolean;
  readonly onProgress?: (e: ScoreProgressEvent) => void;
}

/** Reads a text input file, turning a missing/unreadable file into a typed error naming it. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new InvalidMetricInputError(
      path,
      undefined,
      `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      'an existing readable file',
      'unreadable',
    );
  }
}

export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidMetricInputError(
      path,
      undefined,
      `not valid JSON (${(cause as Error).message})`,
      'a JSON file',
      'unparsable text',
    );
  }
}

/** Charades-STA as TimeChat's eval_tvg.py (`--sample`: only predicted ids; `all`: every GT id). */
export function scoreCharadesFiles(o: CommonOptions & { readonly allGt?: boolean }): ScoreOutcome {
  const queries = charadesQueriesFromFiles(readJson(o.gt), readJson(o.pred), {
    sample: !o.allGt,
    gtPath: o.gt,
    predPath: o.pred,
  });
  const r = scoreCharades(queries, o.pred);
  const m = r.metrics;
  return {
    report: {
      format: 'videoloom-eval-score',
      version: 1,
      benchmark: 'charades',
      mode: o.strict ? 'strict' : 'official',
      units: 'percent (unrounded, as eval_tvg.py prints); mIoU derived with the official iou()',
      metrics: { ...m },
      per_item: r.perItem,
      unavailable: [],
      inputs: { gt: o.gt, pred: o.pred },
    },
    table: formatTable(
      `Charades-STA (${r.count} queries)`,
      ['R1@0.3', 'R1@0.5', 'R1@0.7', 'mIoU'],
      [{ label: '', values: [m['R1@0.3'], m['R1@0.5'], m['R1@0.7'], Number(m.mIoU.toFixed(2))] }],
    ),
  };
}

/** QVHighlights MR + HD as moment_detr's standalone_eval (`exact` qids) or TimeChat's copy (`shared`). */
export function scoreQvhFiles(o: CommonOptions & { readonly sharedQids?: boolean }): ScoreOutcome {
  const gts = parseJsonOrJsonl<QvhGtItem>(readText(o.gt), o.gt);
  const preds = parseJsonOrJsonl<QvhPredItem>(readText(o.pred), o.pred);
  const r = scoreQvHighlights(preds, gts, {
    qidMatch: o.sharedQids ? 'shared' : 'exact',
    gtPath: o.gt,
    predPath: o.pred,
  });
  const b = r.brief;
  const rows: { label: string; values: (number | null)[] }[] = [];
  const hasMr = b['MR-full-mAP'] !== undefined;
  const hasHl = b['HL-min-VeryGood-mAP'] !== undefined;
  const columns = [
    ...(hasMr ? ['R1@0.5', 'R1@0.7', 'mAP@0.5', 'mAP@0.75', 'mAP'] : []),
    ...(hasHl ? ['HD mAP', 'HIT@1'] : []),
  ];
  rows.push({
    label: '',
    values: [
      ...(hasMr
        ? [
            b['MR-full-R1@0.5'],
            b['MR-full-R1@0.7'],
            b['MR-full-mAP@0.5'],
            b['MR-full-mAP@0.75'],
            b['MR-full-mAP'],
          ]
        : []),
      ...(hasHl ? [b['HL-min-VeryGood-mAP'], b['HL-min-VeryGood-Hit1']] : []),
    ].map((v) => v ?? null),
  });
  return {
    report: {
      format: 'videoloom-eval-score',
      version: 1,
      benchmark: 'qvhighlights',
      mode: o.strict ? 'strict' : 'official',
      units: 'percent, rounded to 2 decimals as moment_detr (unrounded values under metrics.unrounded)',
      metrics: { ...b, official: r.official, unrounded: r.unrounded },
      per_item: r.perItem,
      unavailable: [],
      inputs: { gt: o.gt, pred: o.pred },
    },
    table: formatTable(`QVHighlights (${r.evaluatedQueries} queries; HD at VeryGood)`, columns, rows),
  };
}

/** YouCook2 dense captioning as TimeChat's eval_dvc.py. */
export async function scoreYouCook2Files(
  o: CommonOptions & { readonly meteorJar?: string },
): Promise<ScoreOutcome> {
  const videos = dvcVideosFromFiles(readJson(o.gt), readJson(o.pred), o.gt, o.pred);
  o.onProgress?.({ type: 'score-start', total: videos.length, label: 'youcook2' });
  const r = await scoreYouCook2(videos, {
    ...(o.meteorJar ? { meteorJar: o.meteorJar } : {}),
    strict: o.strict,
    onProgress: (e) => o.onProgress?.(e),
  });
  o.onProgress?.({ type: 'score-end', total: videos.length });
  const p = r.printed;
  return {
    report: {
      format: 'videoloom-eval-score',
      version: 1,
      benchmark: 'youcook2',
      mode: o.strict ? 'strict' : 'official',
      units:
        'fractions in [0,1] (eval_dvc.py prints x100 rounded to 1 decimal: see metrics.printed); n_preds is a count',
      metrics: { ...r.metrics, printed: p },
      per_item: r.perItem,
      unavailable: r.unavailable,
      inputs: { gt: o.gt, pred: o.pred },
    },
    table: formatTable(
      `YouCook2 dense captioning (${videos.length} videos, x100)`,
      ['SODA_c', 'CIDEr', 'METEOR', 'F1'],
      [{ label: '', values: [p.SODA_c ?? null, p.CIDEr ?? null, p.METEOR ?? null, p.F1 ?? null] }],
    ),
  };
}
