import { InvalidMetricInputError } from '../errors/index.js';
import { type BinaryMask, emptyMask } from '../masks/binary-mask.js';
import { type CocoRle, decodeRle } from '../masks/rle.js';
import { numpyMean } from '../numeric/numpy.js';
import { aggregateBiFore, type BiForeScore, biForeJF } from '../spatial/bi-fore.js';
import { aggregateMevis, expressionScore, scoreExpressionFrames } from '../spatial/refvos.js';
import { charadesIoU } from '../temporal/charades.js';

/** Name and version of the LoomBench exchange format (see the package README, "LoomBench JSON format v1"). */
export const LOOMBENCH_FORMAT = 'loombench' as const;
export const LOOMBENCH_VERSION = 1 as const;

export type LoomBenchTask = 'when' | 'where' | 'combined';

/** One item of a LoomBench file (ground truth or prediction). Times in seconds, masks as COCO RLE. */
export interface LoomBenchItem {
  readonly id: string;
  /** Required in the GT file; ignored in predictions (the GT decides). */
  readonly task?: LoomBenchTask;
  readonly video?: string;
  readonly question?: string;
  /** `when` and `combined`: the answer span `[startSeconds, endSeconds]`; `null` in a prediction = no answer. */
  readonly span?: readonly [number, number] | null;
  /** `where` and `combined`: one mask per scored frame (same frames, same order in GT and prediction); `null` = empty. */
  readonly masks?: readonly (CocoRle | null)[];
  /** Optional: the time (seconds) of each scored frame, for reference. */
  readonly frameTimesSeconds?: readonly number[];
}

export interface LoomBenchFile {
  readonly format: typeof LOOMBENCH_FORMAT;
  readonly version: typeof LOOMBENCH_VERSION;
  readonly kind: 'gt' | 'pred';
  readonly items: readonly LoomBenchItem[];
}

/** Validates the envelope of a LoomBench file and returns it typed. */
export function parseLoomBenchFile(json: unknown, path: string, kind: 'gt' | 'pred'): LoomBenchFile {
  const f = json as Partial<LoomBenchFile>;
  if (!f || f.format !== LOOMBENCH_FORMAT) {
    throw new InvalidMetricInputError(
      path,
      undefined,
      'not a LoomBench file',
      `"format": "${LOOMBENCH_FORMAT}"`,
      JSON.stringify(f?.format),
    );
  }
  if (f.version !== LOOMBENCH_VERSION) {
    throw new InvalidMetricInputError(
      path,
      undefined,
      'unsupported LoomBench format version',
      String(LOOMBENCH_VERSION),
      JSON.stringify(f.version),
    );
  }
  if (f.kind !== kind)
    throw new InvalidMetricInputError(
      path,
      undefined,
      'wrong file kind',
      `"kind": "${kind}"`,
      JSON.stringify(f.kind),
    );
  if (!Array.isArray(f.items))
    throw new InvalidMetricInputError(path, undefined, 'missing "items"', 'a list of items', typeof f.items);
  return f as LoomBenchFile;
}

export interface LoomBenchPerItem {
  readonly id: string;
  readonly task: LoomBenchTask;
  readonly tIoU?: number;
  readonly J?: number;
  readonly F?: number;
  readonly 'J&F'?: number;
  readonly biFore?: BiForeScore;
}

export interface LoomBenchResult {
  /** Fractions. when: R1@0.3/0.5/0.7, mIoU; where: J, F, J&F; combined: bi-fore J&F and components. */
  readonly metrics: Record<string, number | null>;
  readonly perItem: readonly LoomBenchPerItem[];
  readonly counts: Record<LoomBenchTask, number>;
}

function decodeMasks(
  list: readonly (CocoRle | null)[],
  path: string,
  id: string,
  size: { width: number; height: number } | undefined,
): BinaryMask[] {
  const decoded = list.map((r, t) => (r === null ? null : decodeRle(r, `${path} (item ${id})`, t)));
  const first = decoded.find((m) => m !== null) ?? (size ? emptyMask(size.width, size.height) : undefined);
  if (!first)
    throw new InvalidMetricInputError(
      path,
      id,
      'every mask is null and no size is known',
      'at least one RLE mask (it carries the frame size)',
      'all null',
    );
  return decoded.map((m) => m ?? emptyMask(first.width, first.height));
}

/** Scores LoomBench predictions against ground truth (items matched by id; every GT item needs a prediction). */
export function scoreLoomBench(
  gt: LoomBenchFile,
  pred: LoomBenchFile,
  paths = { gt: '<gt>', pred: '<pred>' },
  onItem?: (done: number, total: number) => void,
): LoomBenchResult {
  const predById = new Map(pred.items.map((p) => [p.id, p]));
  const perItem: LoomBenchPerItem[] = [];
  const whenIoU: number[] = [];
  const where: ReturnType<typeof expressionScore>[] = [];
  const combined: BiForeScore[] = [];
  const combinedStd: ReturnType<typeof expressionScore>[] = [];
  const combinedIoU: number[] = [];
  const counts: Record<LoomBenchTask, number> = { when: 0, where: 0, combined: 0 };
  gt.items.forEach((g, i) => {
    const p = predById.get(g.id);
    if (!p)
      throw new InvalidMetricInputError(
        paths.pred,
        g.id,
        'GT item has no prediction',
        'an item with the same id',
        'missing',
      );
    const task = g.task;
    if (task !== 'when' && task !== 'where' && task !== 'combined') {
      throw new InvalidMetricInputError(
        paths.gt,
        g.id,
        'unknown task',
        '"when", "where" or "combined"',
        JSON.stringify(task),
      );
    }
    counts[task]++;
    let tIoU: number | undefined;
    if (task === 'when' || task === 'combined') {
      if (!g.span)
        throw new InvalidMetricInputError(
          paths.gt,
          g.id,
          'missing GT span',
          '[startSeconds, endSeconds]',
          'none',
        );
      tIoU = p.span ? charadesIoU(g.span, p.span) : 0;
      if (Number.isNaN(tIoU))
        throw new InvalidMetricInputError(
          paths.pred,
          g.id,
          'zero-length GT and predicted span at the same time',
          'spans with a non-zero hull',
          JSON.stringify(p.span),
        );
      (task === 'when' ? whenIoU : combinedIoU).push(tIoU);
    }
    if (task === 'when') {
      perItem.push({ id: g.id, task, tIoU: tIoU as number });
    } else {
      if (!g.masks)
        throw new InvalidMetricInputError(
          paths.gt,
          g.id,
          'missing GT masks',
          'one RLE (or null) per frame',
          'none',
        );
      if (!p.masks || p.masks.length !== g.masks.length) {
        throw new InvalidMetricInputError(
          paths.pred,
          g.id,
          'predicted masks do not cover the GT frames',
          `${g.masks.length} masks`,
          String(p.masks?.length ?? 0),
        );
      }
      const gm = decodeMasks(g.masks, paths.gt, g.id, undefined);
      const pm = decodeMasks(p.masks, paths.pred, g.id, gm[0]);
      const frames = scoreExpressionFrames(gm, pm, g.id, paths.pred);
      const s = expressionScore(g.id, frames);
      if (task === 'where') {
        where.push(s);
        perItem.push({ id: g.id, task, J: s.Je, F: s.Fe, 'J&F': (s.Je + s.Fe) / 2 });
      } else {
        const b = biForeJF(gm, pm, frames);
        combined.push(b);
        combinedStd.push(s);
        perItem.push({
          id: g.id,
          task,
          tIoU: tIoU as number,
          J: s.Je,
          F: s.Fe,
          'J&F': (s.Je + s.Fe) / 2,
          biFore: b,
        });
      }
    }
    onItem?.(i + 1, gt.items.length);
  });
  const metrics: Record<string, number | null> = {};
  if (whenIoU.length > 0) {
    for (const t of [0.3, 0.5, 0.7])
      metrics[`when.R1@${t}`] = whenIoU.filter((x) => x >= t).length / whenIoU.length;
    metrics['when.mIoU'] = numpyMean(whenIoU);
  }
  if (where.length > 0) {
    const a = aggregateMevis(where);
    metrics['where.J'] = a.J;
    metrics['where.F'] = a.F;
    metrics['where.J&F'] = a['J&F'];
  }
  if (combined.length > 0) {
    const b = aggregateBiFore(combined);
    metrics['combined.JF_bi_fore'] = b.JF_bi_fore_hm_of_means;
    metrics['combined.JF_bi_fore_mean_over_cases'] = b.JF_bi_fore_mean_over_cases;
    metrics['combined.Jp'] = b.Jp;
    metrics['combined.Fp'] = b.Fp;
    metrics['combined.Jg'] = b.Jg;
    metrics['combined.Fg'] = b.Fg;
    metrics['combined.JFp'] = b.JFp;
    metrics['combined.JFg'] = b.JFg;
    metrics['combined.excluded_degenerate'] = b.excluded;
    metrics['combined.J&F'] = aggregateMevis(combinedStd)['J&F'];
    metrics['combined.mIoU'] = numpyMean(combinedIoU);
  }
  return { metrics, perItem, counts };
}
