import { InvalidMetricInputError } from '../errors/index.js';

/** A time window in seconds, `[startSeconds, endSeconds]` as written in the files. */
export type Window = readonly [number, number];

/**
 * Charades-STA IoU exactly as TimeChat's `eval_tvg.py`: hull-span denominator, no re-ordering (a window
 * with end < start scores 0), float64 in the official operation order. Returns NaN for 0/0 (the official
 * script raises ZeroDivisionError there; {@link scoreCharades} turns it into a typed error).
 */
export function charadesIoU(gt: Window, pred: Window): number {
  const max0 = Math.max(gt[0], pred[0]);
  const min0 = Math.min(gt[0], pred[0]);
  const max1 = Math.max(gt[1], pred[1]);
  const min1 = Math.min(gt[1], pred[1]);
  const inter = Math.max(min1 - max0, 0);
  const span = max1 - min0;
  if (span === 0)
    return inter === 0 ? Number.NaN : inter > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return inter / span;
}

export interface CharadesQuery {
  readonly queryId: number;
  readonly gtWindow: Window;
  /** Predicted windows in file order; only the first is scored. */
  readonly predWindows: readonly Window[];
}

export interface CharadesPerQuery {
  readonly queryId: number;
  /** IoU of the GT with the first predicted window; 0 when there is none. */
  readonly iou: number;
  readonly hit: { readonly 'R1@0.3': boolean; readonly 'R1@0.5': boolean; readonly 'R1@0.7': boolean };
}

export interface CharadesResult {
  /** Percent, unrounded, as the official script prints them; mIoU is derived (not in the official script). */
  readonly metrics: { 'R1@0.3': number; 'R1@0.5': number; 'R1@0.7': number; mIoU: number };
  readonly perItem: readonly CharadesPerQuery[];
  readonly count: number;
}

const THRESHOLDS = [0.3, 0.5, 0.7] as const;

/** R1@{0.3,0.5,0.7} (hits*100/N, `>=`) and mIoU over the given queries, as `eval_tvg.py`. */
export function scoreCharades(queries: readonly CharadesQuery[], path = '<memory>'): CharadesResult {
  if (queries.length === 0) {
    throw new InvalidMetricInputError(path, undefined, 'no query to evaluate', 'at least one query', '0');
  }
  const hits = [0, 0, 0];
  let iouSum = 0;
  const perItem: CharadesPerQuery[] = [];
  for (const q of queries) {
    const first = q.predWindows[0];
    let iou = 0;
    if (first !== undefined) {
      iou = charadesIoU(q.gtWindow, first);
      if (Number.isNaN(iou) || !Number.isFinite(iou)) {
        throw new InvalidMetricInputError(
          path,
          String(q.queryId),
          'zero-length GT and prediction at the same point (0/0 in the official iou())',
          'windows with a non-zero hull span',
          `gt ${JSON.stringify(q.gtWindow)}, pred ${JSON.stringify(first)}`,
        );
      }
    }
    const hit = THRESHOLDS.map((t) => first !== undefined && iou >= t);
    hit.forEach((h, i) => {
      if (h) hits[i] = (hits[i] as number) + 1;
    });
    iouSum += iou;
    perItem.push({
      queryId: q.queryId,
      iou,
      hit: { 'R1@0.3': hit[0]!, 'R1@0.5': hit[1]!, 'R1@0.7': hit[2]! },
    });
  }
  const n = queries.length;
  return {
    metrics: {
      'R1@0.3': ((hits[0] as number) * 100) / n,
      'R1@0.5': ((hits[1] as number) * 100) / n,
      'R1@0.7': ((hits[2] as number) * 100) / n,
      mIoU: (100 * iouSum) / n,
    },
    perItem,
    count: n,
  };
}

/** Python `int(str)` for prediction keys: surrounding whitespace, sign, leading zeros, `_` separators. */
export function pythonInt(text: string, path: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) {
    throw new InvalidMetricInputError(
      path,
      text,
      'prediction key is not an integer id',
      'an integer like "12"',
      JSON.stringify(text),
    );
  }
  return Number.parseInt(t.replace(/_/g, ''), 10);
}

interface CharadesGtFile {
  annotations: { id: number; timestamp: [number, number] }[];
}

/**
 * Reads the official files: GT `{"annotations":[{"id","timestamp"}]}`, predictions
 * `{"<qid>": {"timestamp": [[s,e],...]}}`. `sample: true` (as the official example is run) scores only
 * the predicted ids; otherwise every GT id must have a prediction (the official script asserts equal counts).
 */
export function charadesQueriesFromFiles(
  gtJson: unknown,
  predJson: unknown,
  options: { sample?: boolean; gtPath?: string; predPath?: string } = {},
): CharadesQuery[] {
  const gtPath = options.gtPath ?? '<gt>';
  const predPath = options.predPath ?? '<pred>';
  const gt = gtJson as CharadesGtFile;
  if (!gt || !Array.isArray(gt.annotations)) {
    throw new InvalidMetricInputError(
      gtPath,
      undefined,
      'missing "annotations" list',
      '{"annotations":[{"id","timestamp"}]}',
      typeof gtJson,
    );
  }
  const gtById = new Map<number, Window>();
  for (const a of gt.annotations) {
    if (!Array.isArray(a.timestamp) || a.timestamp.length < 2) {
      throw new InvalidMetricInputError(
        gtPath,
        String(a.id),
        'bad GT timestamp',
        '[start, end]',
        JSON.stringify(a.timestamp),
      );
    }
    gtById.set(a.id, [a.timestamp[0], a.timestamp[1]]);
  }
  if (typeof predJson !== 'object' || predJson === null || Array.isArray(predJson)) {
    throw new InvalidMetricInputError(
      predPath,
      undefined,
      'predictions must be an object keyed by query id',
      '{"<qid>": {"timestamp": [[s,e]]}}',
      Array.isArray(predJson) ? 'array' : typeof predJson,
    );
  }
  const preds = new Map<number, Window[]>();
  for (const [key, value] of Object.entries(predJson as Record<string, { timestamp?: unknown }>)) {
    const id = pythonInt(key, predPath);
    const ts = value?.timestamp;
    if (
      !Array.isArray(ts) ||
      ts.some(
        (w) => !Array.isArray(w) || w.length < 2 || typeof w[0] !== 'number' || typeof w[1] !== 'number',
      )
    ) {
      throw new InvalidMetricInputError(
        predPath,
        key,
        'bad predicted windows',
        'a list of [start, end] lists',
        JSON.stringify(ts)?.slice(0, 80) ?? 'undefined',
      );
    }
    preds.set(
      id,
      (ts as number[][]).map((w) => [w[0] as number, w[1] as number] as const),
    );
  }
  const ids = options.sample ? [...preds.keys()] : [...gtById.keys()];
  if (!options.sample && gtById.size !== preds.size) {
    throw new InvalidMetricInputError(
      predPath,
      undefined,
      'prediction count differs from GT count (use sample mode to score only predicted ids)',
      `${gtById.size} predictions`,
      String(preds.size),
    );
  }
  return ids.map((id) => {
    const g = gtById.get(id);
    const p = preds.get(id);
    if (g === undefined)
      throw new InvalidMetricInputError(
        gtPath,
        String(id),
        'predicted id not in the GT',
        'an id of the GT annotations',
        String(id),
      );
    if (p === undefined)
      throw new InvalidMetricInputError(
        predPath,
        String(id),
        'GT id has no prediction',
        'a prediction for every GT id',
        'none',
      );
    return { queryId: id, gtWindow: g, predWindows: p };
  });
}
