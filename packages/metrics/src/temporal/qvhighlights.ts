import { InvalidMetricInputError } from '../errors/index.js';
import { numpySum, pyRound } from '../numeric/numpy.js';

/** One QVHighlights GT line (`highlight_val_release.jsonl`). Times in seconds, clips of 2 s. */
export interface QvhGtItem {
  readonly qid: number | string;
  readonly duration: number;
  /** `[startSeconds, endSeconds]` windows. */
  readonly relevant_windows: readonly (readonly number[])[];
  readonly relevant_clip_ids: readonly number[];
  /** One `[a1, a2, a3]` (0..4) per relevant clip. */
  readonly saliency_scores: readonly (readonly number[])[];
}

/** One prediction line: windows `[start, end, score]` in seconds, one saliency score per 2-s clip. */
export interface QvhPredItem {
  readonly qid: number | string;
  readonly pred_relevant_windows?: readonly (readonly number[])[];
  readonly pred_saliency_scores?: readonly number[];
}

type Key = string;
const keyOf = (qid: number | string): Key => `${typeof qid}:${qid}`;

/** The 10 IoU thresholds 0.5..0.95 of `np.linspace` formatted with 2 decimals, as the official code. */
export const MR_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) =>
  Number((0.5 + (i * (0.95 - 0.5)) / 9).toFixed(2)),
);
const thresholdKey = (t: number): string => String(t);

/** True-union IoU of `compute_temporal_iou_batch_cross` (can be NaN for 0/0, or negative). */
function crossIoU(s1: number, e1: number, s2: number, e2: number): number {
  const inter = Math.max(Math.min(e1, e2) - Math.max(s1, s2), 0);
  const union = e1 - s1 + (e2 - s2) - inter;
  return inter / union;
}

/** Hull-span IoU of `compute_temporal_iou_batch_paired` (0 where the span is 0). */
function pairedIoU(s1: number, e1: number, s2: number, e2: number): number {
  const inter = Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
  const union = Math.max(e1, e2) - Math.min(s1, s2);
  return union !== 0 ? inter / union : 0;
}

/** numpy argmax: first maximum; a NaN wins (numpy treats NaN as the maximum). */
function npArgmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) return i;
    if (v > (values[best] as number)) best = i;
  }
  return best;
}

/** VOC-2011 interpolated AP of moment_detr's `interpolated_precision_recall`. */
function interpolatedAP(precision: Float64Array, recall: Float64Array): number {
  const n = precision.length;
  const mp = new Float64Array(n + 2);
  const mr = new Float64Array(n + 2);
  mp.set(precision, 1);
  mr.set(recall, 1);
  mr[n + 1] = 1;
  for (let i = n; i >= 0; i--) {
    const next = mp[i + 1] as number;
    if (next > (mp[i] as number)) mp[i] = next;
  }
  const terms: number[] = [];
  for (let i = 1; i < n + 2; i++) {
    if (mr[i] !== mr[i - 1]) terms.push(((mr[i] as number) - (mr[i - 1] as number)) * (mp[i] as number));
  }
  return numpySum(terms);
}

/**
 * moment_detr `compute_average_precision_detection` for one query: AP at each threshold.
 * `preds` are already truncated to 10 in list order.
 */
export function queryDetectionAP(
  gts: readonly (readonly number[])[],
  preds: readonly (readonly number[])[],
  thresholds: readonly number[] = MR_THRESHOLDS,
): Float64Array {
  const nt = thresholds.length;
  const ap = new Float64Array(nt);
  if (preds.length === 0) return ap;
  // stable sort by descending score (Python's list.sort with key=-score)
  const order = preds
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const d = -(a.p[2] as number) - -(b.p[2] as number);
      return d !== 0 && !Number.isNaN(d) ? d : a.i - b.i;
    });
  const np = order.length;
  const ng = gts.length;
  const lock = new Int32Array(nt * ng).fill(-1);
  const tp = new Float64Array(nt * np);
  const fp = new Float64Array(nt * np);
  const ious = new Float64Array(ng);
  const idx: number[] = [];
  for (let k = 0; k < np; k++) {
    const pred = (order[k] as { p: readonly number[] }).p;
    for (let g = 0; g < ng; g++) {
      const gw = gts[g] as readonly number[];
      ious[g] = crossIoU(pred[0] as number, pred[1] as number, gw[0] as number, gw[1] as number);
    }
    // numpy argsort ascending (stable for <= 16 elements, NaN last), reversed
    idx.length = 0;
    for (let g = 0; g < ng; g++) idx.push(g);
    idx.sort((a, b) => {
      const va = ious[a] as number;
      const vb = ious[b] as number;
      const na = Number.isNaN(va);
      const nb = Number.isNaN(vb);
      if (na || nb) return na && nb ? a - b : na ? 1 : -1;
      return va !== vb ? va - vb : a - b;
    });
    idx.reverse();
    for (let t = 0; t < nt; t++) {
      const thr = thresholds[t] as number;
      for (const j of idx) {
        if ((ious[j] as number) < thr) {
          fp[t * np + k] = 1;
          break;
        }
        if ((lock[t * ng + j] as number) >= 0) continue;
        tp[t * np + k] = 1;
        lock[t * ng + j] = k;
        break;
      }
      if (fp[t * np + k] === 0 && tp[t * np + k] === 0) fp[t * np + k] = 1;
    }
  }
  for (let t = 0; t < nt; t++) {
    const precision = new Float64Array(np);
    const recall = new Float64Array(np);
    let tc = 0;
    let fc = 0;
    for (let k = 0; k < np; k++) {
      tc += tp[t * np + k] as number;
      fc += fp[t * np + k] as number;
      recall[k] = tc / ng;
      precision[k] = tc / (tc + fc);
    }
    ap[t] = interpolatedAP(precision, recall);
  }
  return ap;
}

export interface MrBucketResult {
  /** Percent, 2 decimals, keys "0.5".."0.95" and "average" (as moment_detr). */
  readonly 'MR-mAP': Record<string, number>;
  readonly 'MR-R1': Record<string, number>;
  /** Unrounded percent values, same keys. */
  readonly unrounded: { readonly 'MR-mAP': Record<string, number>; readonly 'MR-R1': Record<string, number> };
}

export const LENGTH_BUCKETS = {
  short: [0, 10],
  middle: [10, 30],
  long: [30, 150],
  full: [0, 150],
} as const;
export type LengthBucket = keyof typeof LENGTH_BUCKETS;

function bucketData(
  preds: readonly QvhPredItem[],
  gts: readonly QvhGtItem[],
  bucket: LengthBucket,
): { preds: readonly QvhPredItem[]; gts: readonly QvhGtItem[] } {
  if (bucket === 'full') return { preds, gts };
  const [lo, hi] = LENGTH_BUCKETS[bucket];
  const keep: QvhGtItem[] = [];
  const qids = new Set<Key>();
  for (const g of gts) {
    const w = g.relevant_windows.filter((x) => {
      const l = (x[1] as number) - (x[0] as number);
      return lo < l && l <= hi;
    });
    if (w.length > 0) {
      keep.push({ ...g, relevant_windows: w });
      qids.add(keyOf(g.qid));
    }
  }
  return { preds: preds.filter((p) => qids.has(keyOf(p.qid))), gts: keep };
}

function mrAP(
  preds: readonly QvhPredItem[],
  gts: readonly QvhGtItem[],
  path: string,
  bucket: string,
): { rounded: Record<string, number>; unrounded: Record<string, number>; perQuery: Map<Key, Float64Array> } {
  const predByQ = new Map<Key, number[][]>();
  for (const d of preds) {
    const ws = (d.pred_relevant_windows ?? []).slice(0, 10);
    for (const w of ws) {
      const k = keyOf(d.qid);
      let list = predByQ.get(k);
      if (!list) {
        list = [];
        predByQ.set(k, list);
      }
      list.push([w[0] as number, w[1] as number, w[2] as number]);
    }
  }
  const gtByQ = new Map<Key, number[][]>();
  for (const g of gts) {
    const k = keyOf(g.qid);
    const list = gtByQ.get(k) ?? [];
    for (const w of g.relevant_windows) list.push([w[0] as number, w[1] as number]);
    gtByQ.set(k, list);
  }
  if (predByQ.size === 0) {
    throw new InvalidMetricInputError(
      path,
      undefined,
      `no query with predicted windows in the "${bucket}" length bucket (the official compute_mr_ap crashes)`,
      'at least one GT window per bucket',
      '0 queries',
    );
  }
  const nt = MR_THRESHOLDS.length;
  const sums = new Float64Array(nt);
  const perQuery = new Map<Key, Float64Array>();
  for (const [k, p] of predByQ) {
    const g = gtByQ.get(k) ?? [];
    if (g.length === 0) {
      throw new InvalidMetricInputError(
        path,
        k.slice(k.indexOf(':') + 1),
        'query has predictions but no GT window',
        'GT windows for every predicted query',
        '0 windows',
      );
    }
    const ap = queryDetectionAP(g, p);
    perQuery.set(k, ap);
    // ap_array.mean(0): a left-to-right sum per threshold column
    for (let t = 0; t < nt; t++) sums[t] = (sums[t] as number) + (ap[t] as number);
  }
  const apThds = sums.map((s) => s / predByQ.size);
  const unrounded: Record<string, number> = {};
  const rounded: Record<string, number> = {};
  MR_THRESHOLDS.forEach((t, i) => {
    unrounded[thresholdKey(t)] = 100 * (apThds[i] as number);
  });
  unrounded.average = 100 * (numpySum(apThds) / nt);
  for (const [k, v] of Object.entries(unrounded)) rounded[k] = pyRound(v, 2);
  return { rounded, unrounded, perQuery };
}

function mrR1(
  preds: readonly QvhPredItem[],
  gts: readonly QvhGtItem[],
  path: string,
): { rounded: Record<string, number>; unrounded: Record<string, number>; perQueryIoU: Map<Key, number> } {
  const predWin = new Map<Key, readonly number[]>();
  for (const d of preds) {
    const first = d.pred_relevant_windows?.[0];
    if (first === undefined) {
      throw new InvalidMetricInputError(
        path,
        String(d.qid),
        'empty pred_relevant_windows (the official R1 crashes)',
        'at least one window',
        '[]',
      );
    }
    predWin.set(keyOf(d.qid), first);
  }
  const gtWin = new Map<Key, readonly number[]>();
  for (const g of gts) {
    const k = keyOf(g.qid);
    const pw = predWin.get(k);
    if (pw === undefined) {
      throw new InvalidMetricInputError(
        path,
        String(g.qid),
        'GT query without prediction',
        'a prediction for every GT qid',
        'none',
      );
    }
    let best = 0;
    if (g.relevant_windows.length > 0) {
      const ious = g.relevant_windows.map((w) =>
        crossIoU(pw[0] as number, pw[1] as number, w[0] as number, w[1] as number),
      );
      best = npArgmax(ious);
    }
    const w = g.relevant_windows[best];
    if (w === undefined) {
      throw new InvalidMetricInputError(
        path,
        String(g.qid),
        'GT query without relevant windows',
        'at least one window',
        '[]',
      );
    }
    gtWin.set(k, w);
  }
  const ious = new Map<Key, number>();
  for (const [k, pw] of predWin) {
    const gw = gtWin.get(k);
    if (gw === undefined) {
      throw new InvalidMetricInputError(
        path,
        k.slice(k.indexOf(':') + 1),
        'predicted qid not in the GT',
        'qids of the GT file',
        'unknown qid',
      );
    }
    ious.set(k, pairedIoU(pw[0] as number, pw[1] as number, gw[0] as number, gw[1] as number));
  }
  const rounded: Record<string, number> = {};
  const unrounded: Record<string, number> = {};
  for (const t of MR_THRESHOLDS) {
    let hits = 0;
    for (const v of ious.values()) if (v >= t) hits++;
    unrounded[thresholdKey(t)] = (hits / ious.size) * 100;
    rounded[thresholdKey(t)] = pyRound(unrounded[thresholdKey(t)] as number, 2);
  }
  return { rounded, unrounded, perQueryIoU: ious };
}

/** Fills the (clips, 3) saliency matrix of `mk_gt_scores`; clips of 2 s, `int(duration / 2)` of them. */
function gtSaliency(g: QvhGtItem, path: string): Float64Array[] {
  const n = Math.trunc(g.duration / 2);
  const rows = Array.from({ length: Math.max(0, n) }, () => new Float64Array(3));
  if (g.relevant_clip_ids.length === 0) {
    throw new InvalidMetricInputError(
      path,
      String(g.qid),
      'empty relevant_clip_ids (numpy rejects the empty index in the official code)',
      'at least one relevant clip',
      '[]',
    );
  }
  g.relevant_clip_ids.forEach((c, i) => {
    const row = rows[c < 0 ? n + c : c];
    const s = g.saliency_scores[i];
    if (row === undefined || s === undefined || s.length !== 3) {
      throw new InvalidMetricInputError(
        path,
        String(g.qid),
        `clip id ${c} outside the video or without 3 saliency scores`,
        `ids < ${n} with [a1,a2,a3]`,
        JSON.stringify(s),
      );
    }
    row.set(s);
  });
  return rows;
}

/**
 * scikit-learn 1.2 `precision_recall_curve` + moment_detr `get_ap` (interpolated, mean of precision at each
 * recall change; tied scores form one threshold). `yTrue` is 0/1.
 */
export function highlightAP(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  const n = yTrue.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += yTrue[i] as number;
  if (n > 0 && (pos === 0 || pos === n)) return pos === 0 ? 0 : 1;
  // argsort(kind=mergesort)[::-1] -> descending, ties in reverse index order (irrelevant: ties are grouped)
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const d = (yScore[a] as number) - (yScore[b] as number);
    return d !== 0 ? d : a - b;
  });
  order.reverse();
  const tps: number[] = [];
  const fps: number[] = [];
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += yTrue[order[i] as number] as number;
    const isLast =
      i === n - 1 || (yScore[order[i] as number] as number) !== (yScore[order[i + 1] as number] as number);
    if (isLast) {
      tps.push(cum);
      fps.push(1 + i - cum);
    }
  }
  const m = tps.length;
  const total = tps[m - 1] as number;
  // reversed (recall decreasing) plus the final (precision 1, recall 0) point
  const precision = new Float64Array(m + 1);
  const recall = new Float32Array(m + 1);
  for (let i = 0; i < m; i++) {
    const tp = tps[m - 1 - i] as number;
    const fp = fps[m - 1 - i] as number;
    precision[i] = tp / (tp + fp);
    recall[i] = tp / total;
  }
  precision[m] = 1;
  recall[m] = 0;
  for (let i = 1; i <= m; i++) {
    if ((precision[i - 1] as number) > (precision[i] as number)) precision[i] = precision[i - 1] as number;
  }
  const picked: number[] = [];
  for (let i = 0; i < m; i++) if (recall[i + 1] !== recall[i]) picked.push(precision[i] as number);
  return numpySum(picked) / picked.length;
}

export const SALIENCY_LEVELS = { Fair: 2, Good: 3, VeryGood: 4 } as const;
export type SaliencyLevel = keyof typeof SALIENCY_LEVELS;

export interface QvhPerQuery {
  readonly qid: number | string;
  /** moment retrieval (full bucket): AP per threshold (fraction), IoU of the first window. */
  readonly mrAP?: Record<string, number>;
  readonly r1IoU?: number;
  /** highlight detection per level: mean AP over the 3 annotators (fraction) and the HIT@1 hit. */
  readonly hl?: Record<SaliencyLevel, { readonly ap: number; readonly hit1: number }>;
}

export interface QvhResult {
  /** moment_detr's brief keys (`MR-full-mAP`, `HL-min-VeryGood-Hit1`, …), percent, 2 decimals. */
  readonly brief: Record<string, number>;
  /** The full nested moment_detr output (`full`, `short`, …, `HL-min-Fair`, …) with `brief`. */
  readonly official: Record<string, unknown>;
  /** Same brief keys before the official 2-decimal rounding. */
  readonly unrounded: Record<string, number>;
  readonly perItem: readonly QvhPerQuery[];
  readonly evaluatedQueries: number;
}

export interface QvhOptions {
  /**
   * `exact` (moment_detr `standalone_eval`): predicted and GT qid sets must be equal.
   * `shared` (TimeChat's `eval_vhd.py`): only qids present in both files are scored.
   */
  readonly qidMatch?: 'exact' | 'shared';
  readonly gtPath?: string;
  readonly predPath?: string;
}

/** QVHighlights moment retrieval + highlight detection exactly as moment_detr's `eval_submission`. */
export function scoreQvHighlights(
  predsIn: readonly QvhPredItem[],
  gtsIn: readonly QvhGtItem[],
  options: QvhOptions = {},
): QvhResult {
  const predPath = options.predPath ?? '<pred>';
  const gtPath = options.gtPath ?? '<gt>';
  let preds = predsIn;
  let gts = gtsIn;
  const predQ = new Set(preds.map((p) => keyOf(p.qid)));
  const gtQ = new Set(gts.map((g) => keyOf(g.qid)));
  if ((options.qidMatch ?? 'exact') === 'exact') {
    const missing = [...gtQ].filter((q) => !predQ.has(q));
    const extra = [...predQ].filter((q) => !gtQ.has(q));
    if (missing.length > 0 || extra.length > 0) {
      throw new InvalidMetricInputError(
        predPath,
        undefined,
        'qids of GT and predictions differ (moment_detr asserts equal sets)',
        'the same qid set',
        `${missing.length} GT qids without prediction, ${extra.length} unknown predicted qids`,
      );
    }
  } else {
    preds = preds.filter((p) => gtQ.has(keyOf(p.qid)));
    gts = gts.filter((g) => predQ.has(keyOf(g.qid)));
  }
  const first = preds[0];
  if (first === undefined) {
    throw new InvalidMetricInputError(
      predPath,
      undefined,
      'no prediction to evaluate',
      'at least one prediction',
      '0',
    );
  }
  const official: Record<string, unknown> = {};
  const brief: Record<string, number> = {};
  const unrounded: Record<string, number> = {};
  const per = new Map<
    Key,
    {
      qid: number | string;
      mrAP?: Record<string, number>;
      r1IoU?: number;
      hl?: Record<string, { ap: number; hit1: number }>;
    }
  >();
  for (const p of preds) per.set(keyOf(p.qid), { qid: p.qid });

  if (first.pred_relevant_windows !== undefined) {
    for (const p of preds) {
      if (p.pred_relevant_windows === undefined) {
        throw new InvalidMetricInputError(
          predPath,
          String(p.qid),
          'entry lacks pred_relevant_windows while the first entry has it',
          'every entry with windows',
          'missing key',
        );
      }
    }
    const mr: Record<string, MrBucketResult> = {};
    for (const bucket of ['short', 'middle', 'long', 'full'] as const) {
      const d = bucketData(preds, gts, bucket);
      const ap = mrAP(d.preds, d.gts, gtPath, bucket);
      const r1 = mrR1(d.preds, d.gts, predPath);
      mr[bucket] = {
        'MR-mAP': ap.rounded,
        'MR-R1': r1.rounded,
        unrounded: { 'MR-mAP': ap.unrounded, 'MR-R1': r1.unrounded },
      };
      if (bucket === 'full') {
        for (const [k, v] of ap.perQuery) {
          const e = per.get(k);
          if (e) e.mrAP = Object.fromEntries(MR_THRESHOLDS.map((t, i) => [thresholdKey(t), v[i] as number]));
        }
        for (const [k, v] of r1.perQueryIoU) {
          const e = per.get(k);
          if (e) e.r1IoU = v;
        }
      }
    }
    const get = (b: LengthBucket, m: 'MR-mAP' | 'MR-R1', k: string, raw: boolean): number => {
      const bucket = mr[b] as MrBucketResult;
      return (raw ? bucket.unrounded[m] : bucket[m])[k] as number;
    };
    const briefSpec: [string, LengthBucket, 'MR-mAP' | 'MR-R1', string][] = [
      ['MR-full-R1@0.5', 'full', 'MR-R1', '0.5'],
      ['MR-full-R1@0.7', 'full', 'MR-R1', '0.7'],
      ['MR-full-mAP', 'full', 'MR-mAP', 'average'],
      ['MR-full-mAP@0.5', 'full', 'MR-mAP', '0.5'],
      ['MR-full-mAP@0.75', 'full', 'MR-mAP', '0.75'],
      ['MR-long-mAP', 'long', 'MR-mAP', 'average'],
      ['MR-middle-mAP', 'middle', 'MR-mAP', 'average'],
      ['MR-short-mAP', 'short', 'MR-mAP', 'average'],
    ];
    for (const [name, b, m, k] of briefSpec) {
      brief[name] = get(b, m, k, false);
      unrounded[name] = get(b, m, k, true);
    }
    for (const b of ['full', 'long', 'middle', 'short'] as const) {
      official[b] = { 'MR-mAP': mr[b]?.['MR-mAP'], 'MR-R1': mr[b]?.['MR-R1'] };
    }
  }

  if (first.pred_saliency_scores !== undefined) {
    const predByQ = new Map<Key, QvhPredItem>();
    for (const p of preds) predByQ.set(keyOf(p.qid), p); // last duplicate wins, first position kept
    const gtByQ = new Map<Key, Float64Array[]>();
    for (const g of gts) gtByQ.set(keyOf(g.qid), gtSaliency(g, gtPath));
    for (const [level, min] of Object.entries(SALIENCY_LEVELS) as [SaliencyLevel, number][]) {
      let hits = 0;
      const apScores = new Float64Array(predByQ.size * 3);
      let qi = 0;
      for (const [k, p] of predByQ) {
        const scores = p.pred_saliency_scores;
        if (scores === undefined || scores.length === 0) {
          throw new InvalidMetricInputError(
            predPath,
            String(p.qid),
            'missing or empty pred_saliency_scores',
            'one score per 2-s clip',
            JSON.stringify(scores),
          );
        }
        const rows = gtByQ.get(k);
        if (rows === undefined) {
          throw new InvalidMetricInputError(
            predPath,
            String(p.qid),
            'predicted qid not in the GT',
            'qids of the GT file',
            'unknown qid',
          );
        }
        const clip = npArgmax(scores);
        let hit = 0;
        const row = rows[clip];
        if (row !== undefined) hit = row.some((v) => v >= min) ? 1 : 0;
        hits += hit;
        const n = rows.length;
        const yScore = new Float64Array(n);
        for (let i = 0; i < Math.min(n, scores.length); i++) yScore[i] = scores[i] as number;
        let apSum = 0;
        for (let a = 0; a < 3; a++) {
          const yTrue = new Float64Array(n);
          for (let i = 0; i < n; i++) yTrue[i] = ((rows[i] as Float64Array)[a] as number) >= min ? 1 : 0;
          if (n === 0) {
            throw new InvalidMetricInputError(
              gtPath,
              String(p.qid),
              'video shorter than one 2-s clip',
              'duration >= 2',
              '0 clips',
            );
          }
          const ap = highlightAP(yTrue, yScore);
          apScores[qi * 3 + a] = ap;
          apSum += ap;
        }
        const e = per.get(k);
        if (e) {
          e.hl ??= {};
          e.hl[level] = { ap: apSum / 3, hit1: hit };
        }
        qi++;
      }
      const hit1 = 100 * (hits / predByQ.size);
      const mapRaw = 100 * (numpySum(apScores) / apScores.length);
      official[`HL-min-${level}`] = { 'HL-mAP': pyRound(mapRaw, 2), 'HL-Hit1': pyRound(hit1, 2) };
      brief[`HL-min-${level}-mAP`] = pyRound(mapRaw, 2);
      brief[`HL-min-${level}-Hit1`] = pyRound(hit1, 2);
      unrounded[`HL-min-${level}-mAP`] = mapRaw;
      unrounded[`HL-min-${level}-Hit1`] = hit1;
    }
  }
  const sortedOfficial: Record<string, unknown> = { brief };
  for (const k of Object.keys(official).sort()) sortedOfficial[k] = official[k];
  return {
    brief,
    official: sortedOfficial,
    unrounded,
    perItem: [...per.values()] as QvhPerQuery[],
    evaluatedQueries: preds.length,
  };
}

/** Parses JSON Lines (moment_detr) or a JSON array (TimeChat) into items. */
export function parseJsonOrJsonl<T>(text: string, path: string): T[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    try {
      return JSON.parse(text) as T[];
    } catch (cause) {
      throw new InvalidMetricInputError(
        path,
        undefined,
        `not valid JSON (${(cause as Error).message})`,
        'a JSON array or JSON Lines',
        'unparsable text',
      );
    }
  }
  const out: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      throw new InvalidMetricInputError(
        path,
        `line ${i + 1}`,
        'not valid JSON',
        'one JSON object per line',
        line.slice(0, 60),
      );
    }
  });
  return out;
}
