import { InvalidMetricInputError } from '../errors/index.js';
import { numpySum, pyRound, sequentialMean } from '../numeric/numpy.js';
import { type CaptionPair, ciderD } from './cider.js';
import { findMeteor, MeteorJar } from './meteor.js';
import { ptbTokenize, UnsupportedCaptionError } from './ptb-tokenizer.js';

/** One video of a dense-captioning evaluation. Segments are `[startSeconds, endSeconds]`. */
export interface DvcVideo {
  readonly key: string;
  readonly gtSegments: readonly (readonly number[])[];
  readonly gtCaptions: readonly string[];
  /** Predictions in FILE order (never re-sorted: the official matching depends on it). */
  readonly predSegments: readonly (readonly number[])[];
  readonly predCaptions: readonly string[];
  /** False when the prediction file has no key for this video (matters for the paragraph metrics). */
  readonly hasPredictionKey: boolean;
}

export const DVC_THRESHOLDS = [0.3, 0.5, 0.7, 0.9] as const;

/** The dense-captioning IoU of `eval_dvc.py`: windows re-ordered, union = min(hull, len1+len2), +1e-8. */
export function dvcIoU(a: readonly number[], b: readonly number[]): number {
  const s1 = Math.min(...a);
  const e1 = Math.max(...a);
  const s2 = Math.min(...b);
  const e2 = Math.max(...b);
  const inter = Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
  const union = Math.min(Math.max(e1, e2) - Math.min(s1, s2), e1 - s1 + e2 - s2);
  return inter / (union + 1e-8);
}

interface GtFile {
  annotations: { image_id: string; segments: number[][]; pure_cap?: string; caption?: string }[];
}

/** Reads TimeChat's YouCook2 files (GT `{"annotations":[{image_id, segments, pure_cap}]}`, predictions `{video: [{timestamp, caption}]}`). */
export function dvcVideosFromFiles(
  gtJson: unknown,
  predJson: unknown,
  gtPath = '<gt>',
  predPath = '<pred>',
): DvcVideo[] {
  const gt = gtJson as GtFile;
  if (!gt || !Array.isArray(gt.annotations)) {
    throw new InvalidMetricInputError(
      gtPath,
      undefined,
      'missing "annotations" list',
      '{"annotations":[{image_id, segments, pure_cap}]}',
      typeof gtJson,
    );
  }
  if (typeof predJson !== 'object' || predJson === null || Array.isArray(predJson)) {
    throw new InvalidMetricInputError(
      predPath,
      undefined,
      'predictions must be an object keyed by video',
      '{"<video>": [{"timestamp": [s,e], "caption": "..."}]}',
      Array.isArray(predJson) ? 'array' : typeof predJson,
    );
  }
  const preds = predJson as Record<string, { timestamp: number[]; caption: string }[]>;
  return gt.annotations.map((a) => {
    const key = String(a.image_id).split('/').pop() as string;
    let caps: string[];
    if (a.pure_cap !== undefined) caps = a.pure_cap.split('. ');
    else
      caps = String(a.caption ?? '')
        .split('.')
        .map((c) => c.replace(/^ +| +$/g, ''))
        .filter((c) => c.length > 5);
    if (!Array.isArray(a.segments) || caps.length !== a.segments.length) {
      throw new InvalidMetricInputError(
        gtPath,
        key,
        'number of captions (pure_cap split on ". ") differs from the number of segments (the official script asserts)',
        `${a.segments?.length} captions`,
        String(caps.length),
      );
    }
    const list = preds[key];
    if (list !== undefined && !Array.isArray(list)) {
      throw new InvalidMetricInputError(
        predPath,
        key,
        'video entry is not a list',
        '[{"timestamp": [s,e], "caption": "..."}]',
        typeof list,
      );
    }
    (list ?? []).forEach((p, i) => {
      if (!p || !Array.isArray(p.timestamp) || p.timestamp.length < 1 || typeof p.caption !== 'string') {
        throw new InvalidMetricInputError(
          predPath,
          `${key}[${i}]`,
          'bad prediction',
          '{"timestamp": [s,e], "caption": "..."}',
          JSON.stringify(p).slice(0, 80),
        );
      }
    });
    return {
      key,
      gtSegments: a.segments,
      gtCaptions: caps.map((c) => `${c}.`),
      predSegments: (list ?? []).map((p) => p.timestamp),
      predCaptions: (list ?? []).map((p) => p.caption),
      hasPredictionKey: list !== undefined,
    };
  });
}

export interface DvcPerVideo {
  readonly key: string;
  readonly precision: Record<string, number>;
  readonly recall: Record<string, number>;
  readonly Precision_Mean: number;
  readonly Recall_Mean: number;
  readonly F1: number;
  readonly CIDEr: number | null;
  readonly METEOR: number | null;
  readonly SODA_c: number | null;
  readonly n_preds: number;
}

export interface Unavailable {
  readonly metric: string;
  readonly reason: string;
}

export interface DvcResult {
  /** Fractions (the official code's unit before printing); `null` when unavailable (see `unavailable`). */
  readonly metrics: Record<string, number | null>;
  /** What the official script prints: x100 rounded to 1 decimal (n_preds not scaled). */
  readonly printed: Record<string, number | null>;
  readonly unavailable: readonly Unavailable[];
  readonly perItem: readonly DvcPerVideo[];
}

export interface DvcOptions {
  /** Path of the official meteor-1.5.jar (else `VIDEOLOOM_METEOR_JAR`); without it METEOR and SODA_c are unavailable. */
  readonly meteorJar?: string;
  /**
   * `false` (default): reproduce the official numbers, quirks included. `true`: fix SODA_c's string-sorted
   * column order (11+ predictions per video). Every report says which mode produced it.
   */
  readonly strict?: boolean;
  readonly onProgress?: (event: { type: 'score-progress'; done: number; total: number }) => void;
}

/** Per-video detection precision/recall at each threshold (strict `IoU > t`, no one-to-one matching). */
function detection(v: DvcVideo): { precision: number[]; recall: number[] } {
  const precision: number[] = [];
  const recall: number[] = [];
  const np = v.predSegments.length;
  const ng = v.gtSegments.length;
  const predCovered = DVC_THRESHOLDS.map(() => new Set<number>());
  const gtCovered = DVC_THRESHOLDS.map(() => new Set<number>());
  for (let g = 0; g < ng; g++) {
    for (let p = 0; p < np; p++) {
      const iou = dvcIoU(v.predSegments[p] as number[], v.gtSegments[g] as number[]);
      DVC_THRESHOLDS.forEach((t, i) => {
        if (iou > t) {
          predCovered[i]?.add(p);
          gtCovered[i]?.add(g);
        }
      });
    }
  }
  DVC_THRESHOLDS.forEach((_, i) => {
    precision.push((predCovered[i] as Set<number>).size / Math.max(np, 1));
    recall.push((gtCovered[i] as Set<number>).size / ng);
  });
  return { precision, recall };
}

const UNMATCHED = '\u0002unmatched';

/**
 * `match_captions`: per threshold, (reference, candidate) pairs keyed by a per-video running index; a prediction
 * matching no GT event gets a never-matching placeholder reference (the official code uses a random string).
 */
function matchCaptions(v: DvcVideo): Map<number, { key: string; ref: string; cand: string }[]> {
  const out = new Map<number, { key: string; ref: string; cand: string }[]>(
    DVC_THRESHOLDS.map((t) => [t, []]),
  );
  let isx = 0;
  v.predSegments.forEach((seg, p) => {
    const added = new Set<number>();
    v.gtSegments.forEach((g, gi) => {
      const iou = dvcIoU(seg, g);
      for (const t of DVC_THRESHOLDS) {
        if (iou >= t) {
          out
            .get(t)
            ?.push({ key: String(isx), ref: v.gtCaptions[gi] as string, cand: v.predCaptions[p] as string });
          isx++;
          added.add(t);
        }
      }
    });
    for (const t of DVC_THRESHOLDS) {
      if (!added.has(t)) {
        out.get(t)?.push({ key: String(isx), ref: `${UNMATCHED}${isx}`, cand: v.predCaptions[p] as string });
        isx++;
      }
    }
  });
  return out;
}

const pyStrCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** SODA_c's `chased_dp_assignment`: best order-preserving one-to-one matching score. */
export function sodaDP(scores: readonly Float64Array[]): number {
  const m = scores.length;
  const n = scores[0]?.length ?? 0;
  const dp = Array.from({ length: m }, () => new Float64Array(n));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const s = (scores[i] as Float64Array)[j] as number;
      const up = i > 0 ? ((dp[i - 1] as Float64Array)[j] as number) : -1;
      const left = j > 0 ? ((dp[i] as Float64Array)[j - 1] as number) : -1;
      const diag =
        i > 0 && j > 0 ? ((dp[i - 1] as Float64Array)[j - 1] as number) + s : i === 0 || j === 0 ? s : s;
      (dp[i] as Float64Array)[j] = Math.max(up, left, diag);
    }
  }
  return m > 0 && n > 0 ? ((dp[m - 1] as Float64Array)[n - 1] as number) : 0;
}

/**
 * YouCook2 dense video captioning as TimeChat's `eval_dvc.py`: detection P/R/F1, CIDEr(-D) on PTB tokens
 * (emulated tokenizer), METEOR and SODA_c through the official jar when available (else `null` + reason),
 * and the paragraph CIDEr the script prints first.
 */
export async function scoreYouCook2(
  videos: readonly DvcVideo[],
  options: DvcOptions = {},
): Promise<DvcResult> {
  const unavailable: Unavailable[] = [];
  const tokenCache = new Map<string, string>();
  let tokenizerFailure: UnsupportedCaptionError | undefined;
  const tok = (c: string): string => {
    if (c.startsWith(UNMATCHED)) return c;
    let t = tokenCache.get(c);
    if (t === undefined) {
      t = ptbTokenize(c);
      tokenCache.set(c, t);
    }
    return t;
  };
  // Tokenize everything first: one unsupported caption makes every token-based score unavailable.
  try {
    for (const v of videos) for (const c of [...v.gtCaptions, ...v.predCaptions]) tok(c);
  } catch (e) {
    if (!UnsupportedCaptionError.isInstance(e)) throw e;
    tokenizerFailure = e;
    unavailable.push({ metric: 'CIDEr', reason: e.message });
  }
  const meteorAt = findMeteor(options.meteorJar);
  let meteor: MeteorJar | undefined;
  if (!meteorAt.available) {
    unavailable.push(
      { metric: 'METEOR', reason: meteorAt.reason },
      { metric: 'SODA_c', reason: meteorAt.reason },
    );
  } else if (tokenizerFailure) {
    unavailable.push(
      { metric: 'METEOR', reason: tokenizerFailure.message },
      { metric: 'SODA_c', reason: tokenizerFailure.message },
    );
  } else {
    meteor = new MeteorJar(meteorAt.jarPath, meteorAt.java);
  }

  const perItem: DvcPerVideo[] = [];
  try {
    let done = 0;
    for (const v of videos) {
      const det = detection(v);
      const pMean = det.precision.reduce((a, b) => a + b, 0) / det.precision.length;
      const rMean = det.recall.reduce((a, b) => a + b, 0) / det.recall.length;
      const f1 = rMean + pMean > 0 ? (2 * rMean * pMean) / (rMean + pMean) : 0;
      let cider: number | null = null;
      let meteorScore: number | null = null;
      let soda: number | null = null;
      if (!tokenizerFailure) {
        const matched = matchCaptions(v);
        const perT: number[] = [];
        const perTMeteor: number[] = [];
        for (const t of DVC_THRESHOLDS) {
          const pairs = [...(matched.get(t) ?? [])].sort((a, b) => pyStrCompare(a.key, b.key));
          if (pairs.length === 0) {
            perT.push(0);
            perTMeteor.push(0);
            continue;
          }
          const cp: CaptionPair[] = pairs.map((p) => ({ candidate: tok(p.cand), references: [tok(p.ref)] }));
          const s = ciderD(cp).score;
          perT.push(Number.isNaN(s) ? 0 : s);
          if (meteor) {
            const refs: Record<string, string[]> = {};
            const hyps: Record<string, string> = {};
            for (const p of pairs) {
              // the official random reference string: letters only, never matching; we keep a fixed one
              refs[p.key] = [p.ref.startsWith(UNMATCHED) ? 'qzxjvqzxjvqzxj' : tok(p.ref)];
              hyps[p.key] = tok(p.cand);
            }
            const r = await meteor.computeScore(refs, hyps);
            perTMeteor.push(Number.isNaN(r.score) ? 0 : r.score);
          }
        }
        cider = numpySum(perT) / perT.length;
        if (meteor) {
          meteorScore = numpySum(perTMeteor) / perTMeteor.length;
          soda = await sodaForVideo(v, tok, meteor, options.strict ?? false);
        }
      }
      perItem.push({
        key: v.key,
        precision: Object.fromEntries(DVC_THRESHOLDS.map((t, i) => [String(t), det.precision[i] as number])),
        recall: Object.fromEntries(DVC_THRESHOLDS.map((t, i) => [String(t), det.recall[i] as number])),
        Precision_Mean: pMean,
        Recall_Mean: rMean,
        F1: f1,
        CIDEr: cider,
        METEOR: meteorScore,
        SODA_c: soda,
        n_preds: v.predCaptions.length,
      });
      done++;
      options.onProgress?.({ type: 'score-progress', done, total: videos.length });
    }
  } finally {
    meteor?.close();
  }

  const mean = (f: (p: DvcPerVideo) => number | null): number | null => {
    const vals = perItem.map(f);
    if (vals.some((x) => x === null)) return null;
    return sequentialMean(vals as number[]);
  };
  const metrics: Record<string, number | null> = {};
  metrics.Para_CIDEr = paragraphCider(videos);
  metrics.CIDEr = mean((p) => p.CIDEr);
  metrics.METEOR = mean((p) => p.METEOR);
  for (const t of DVC_THRESHOLDS) {
    metrics[`Precision@${t}`] = mean((p) => p.precision[String(t)] as number);
    metrics[`Recall@${t}`] = mean((p) => p.recall[String(t)] as number);
  }
  metrics.Precision_Mean = mean((p) => p.Precision_Mean);
  metrics.Recall_Mean = mean((p) => p.Recall_Mean);
  metrics.F1 = mean((p) => p.F1);
  metrics.SODA_c = mean((p) => p.SODA_c);
  metrics.n_preds = mean((p) => p.n_preds);
  const printed: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(metrics))
    printed[k] = v === null ? null : k === 'n_preds' ? pyRound(v, 1) : pyRound(v * 100, 1);
  return { metrics, printed, unavailable, perItem };
}

/**
 * A caption scorer as the official SODA code calls it: per-key scores for the keys in Python's sorted
 * (string) order. `MeteorJar` is the official one; `ciderCaptionScorer` gives the spec's diagnostic variant.
 */
export interface CaptionScorer {
  computeScore(
    references: Record<string, readonly string[]>,
    hypotheses: Record<string, string>,
  ): Promise<{ keys: string[]; scores: number[] }>;
}

/** CIDEr-D as a SODA caption scorer (diagnostic only: the official SODA_c uses METEOR). */
export const ciderCaptionScorer: CaptionScorer = {
  computeScore(references, hypotheses) {
    const keys = Object.keys(references).sort(pyStrCompare);
    const r = ciderD(keys.map((k) => ({ candidate: hypotheses[k] ?? '', references: references[k] ?? [] })));
    return Promise.resolve({ keys, scores: [...r.scores] });
  },
};

/**
 * SODA_c of one video as the official code computes it: the scorer is called once per GT caption with that
 * caption as the HYPOTHESIS and each prediction as a reference; its string-sorted scores are used as if they
 * were in numeric order (columns misalign from 11 predictions on) unless `strict`.
 */
export async function sodaForVideo(
  v: DvcVideo,
  tok: (c: string) => string,
  meteor: CaptionScorer,
  strict: boolean,
): Promise<number> {
  const np = v.predCaptions.length;
  if (np === 0) return 0;
  const predTok = v.predCaptions.map(tok);
  const rows: Float64Array[] = [];
  for (let g = 0; g < v.gtCaptions.length; g++) {
    const refs: Record<string, string[]> = {};
    const hyps: Record<string, string> = {};
    predTok.forEach((p, i) => {
      refs[String(i)] = [p];
      hyps[String(i)] = tok(v.gtCaptions[g] as string);
    });
    const r = await meteor.computeScore(refs, hyps);
    // Official quirk: the scores come back in string-sorted key order ("0","1","10",…) but are used as if numeric.
    const iouRow = new Float64Array(np);
    for (let j = 0; j < np; j++) {
      const iou = dvcIoU(v.predSegments[j] as number[], v.gtSegments[g] as number[]);
      const s = (strict ? r.scores[r.keys.indexOf(String(j))] : r.scores[j]) as number;
      iouRow[j] = Math.max(iou, 0) * (Number.isNaN(s) ? 0 : s);
    }
    rows.push(iouRow);
  }
  const best = sodaDP(rows);
  const p = best / np;
  const r = best / v.gtCaptions.length;
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

const parseSent = (s: string): string =>
  s
    .replace(/[^a-zA-Z]/g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .join(' ');

/**
 * Para_CIDEr as `evaluate_para` (regex normalisation, no PTB), including the official misalignment: the
 * predicted paragraphs skip videos without a prediction key while the GT paragraphs do not, and the two lists
 * are zipped.
 */
export function paragraphCider(videos: readonly DvcVideo[]): number {
  const predParas = videos.filter((v) => v.hasPredictionKey).map((v) => v.predCaptions.join('. '));
  const gtParas = videos.map((v) => v.gtCaptions.join(' '));
  const n = Math.min(predParas.length, gtParas.length);
  if (n === 0) return 0;
  const keys = Array.from({ length: n }, (_, i) => String(i)).sort(pyStrCompare);
  const pairs = keys.map((k) => ({
    candidate: parseSent(predParas[Number(k)] as string),
    references: [parseSent(gtParas[Number(k)] as string)],
  }));
  const s = ciderD(pairs).score;
  return Number.isNaN(s) ? 0 : s;
}
