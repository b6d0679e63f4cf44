import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  aggregateBiFore,
  aggregateMevis,
  aggregateRevos,
  type BiForeScore,
  type BinaryMask,
  biForeFromSpans,
  type CocoRle,
  decodeRle,
  type ExpressionMaskScores,
  type ExpressionScore,
  emptyMask,
  expressionScore,
  InvalidMetricInputError,
  JfWorkerPool,
  labelsToMask,
  MaskFormatError,
  readLabelPng,
  scoreExpressionMasks,
} from '@videoloom/metrics';
import type { ScoreProgressEvent } from './progress.js';
import { formatTable } from './report.js';
import { readJson, type ScoreOutcome } from './temporal.js';

interface MetaExpressions {
  videos: Record<
    string,
    {
      frames: string[];
      /** ReVOS metas carry the frame size (used for frames where no object is annotated). */
      height?: number;
      width?: number;
      expressions: Record<
        string,
        { exp?: string; anno_id?: (string | number)[]; obj_id?: unknown[]; type_id?: number }
      >;
    }
  >;
}

type RleOrNull = CocoRle | null;

/** Resolves `--gt` (a folder or meta_expressions.json) to the two MeViS/ReVOS ground-truth files. */
export function resolveRefVosGt(gt: string, maskDict?: string): { meta: string; masks: string } {
  const isDir = existsSync(gt) && statSync(gt).isDirectory();
  const meta = isDir ? join(gt, 'meta_expressions.json') : gt;
  const masks = maskDict ?? join(isDir ? gt : dirname(gt), 'mask_dict.json');
  for (const p of [meta, masks]) {
    if (!existsSync(p))
      throw new InvalidMetricInputError(
        p,
        undefined,
        'ground-truth file not found',
        'meta_expressions.json and mask_dict.json (MeViS/ReVOS layout)',
        'missing file',
      );
  }
  return { meta, masks };
}

/** Prediction source: a folder `<video>/<expression>/<frame>.png` or an RLE JSON `{video: {expression: [rle|null per frame]}}`. */
function predictionReader(
  pred: string,
): (video: string, exp: string, frame: string, t: number, w: number, h: number) => BinaryMask {
  if (existsSync(pred) && statSync(pred).isDirectory()) {
    return (video, exp, frame, t) => {
      const p = join(pred, video, exp, `${frame}.png`);
      if (!existsSync(p))
        throw new MaskFormatError(
          p,
          `a PNG for frame ${frame} of expression ${exp} of video ${video}`,
          'no file',
          t,
        );
      return labelsToMask(readLabelPng(readFileSync(p), p));
    };
  }
  // {video: {expression: [rle|null]}} or Sa2VA's {video: {expression: {"prediction_masks": [rle]}}}
  const json = readJson(pred) as Record<
    string,
    Record<string, RleOrNull[] | { prediction_masks: RleOrNull[] }>
  >;
  return (video, exp, frame, t, w, h) => {
    const entry = json[video]?.[exp];
    const list = entry && !Array.isArray(entry) ? entry.prediction_masks : entry;
    if (!list)
      throw new InvalidMetricInputError(
        pred,
        `${video}/${exp}`,
        'expression has no prediction',
        'a list of RLE masks per frame',
        'missing',
      );
    const r = list[t];
    if (r === undefined)
      throw new InvalidMetricInputError(
        pred,
        `${video}/${exp}`,
        `no mask for frame ${frame}`,
        `${t + 1}+ frames`,
        String(list.length),
      );
    return r === null ? emptyMask(w, h) : decodeRle(r, pred, t);
  };
}

/** Referring VOS (MeViS, Ref-DAVIS17, Ref-YouTube-VOS, ReVOS layouts): J, F, J&F; ReVOS split when type_id is present. */
export async function scoreRefVosFiles(o: {
  gt: string;
  pred: string;
  maskDict?: string;
  strict: boolean;
  /** Worker threads scoring expressions in parallel; 0 or 1 = inline. */
  workers?: number;
  onProgress?: (e: ScoreProgressEvent) => void;
}): Promise<ScoreOutcome> {
  const files = resolveRefVosGt(o.gt, o.maskDict);
  const meta = readJson(files.meta) as MetaExpressions;
  if (!meta?.videos)
    throw new InvalidMetricInputError(
      files.meta,
      undefined,
      'missing "videos"',
      '{"videos": {video: {frames, expressions}}}',
      'no videos key',
    );
  const maskDict = readJson(files.masks) as Record<string, RleOrNull[]>;
  const readPred = predictionReader(o.pred);
  const jobs: { video: string; exp: string }[] = [];
  for (const [video, v] of Object.entries(meta.videos))
    for (const exp of Object.keys(v.expressions)) jobs.push({ video, exp });
  o.onProgress?.({ type: 'score-start', total: jobs.length, label: 'refvos' });
  const scores: ExpressionScore[] = [];
  const perItem: unknown[] = [];
  const bi: BiForeScore[] = [];
  let hasType = false;
  const pool = (o.workers ?? 0) > 1 ? new JfWorkerPool(o.workers as number) : undefined;
  const results: ExpressionMaskScores[] = new Array(jobs.length);
  const inflight = new Set<Promise<void>>();
  let done = 0;
  const finished = (i: number, r: ExpressionMaskScores): void => {
    results[i] = r;
    done++;
    o.onProgress?.({ type: 'score-progress', done, total: jobs.length });
  };
  try {
    for (const [i, { video, exp }] of jobs.entries()) {
      const v = meta.videos[video] as MetaExpressions['videos'][string];
      const e = v.expressions[exp] as MetaExpressions['videos'][string]['expressions'][string];
      const annoIds = (e.anno_id ?? []).map(String);
      const gtFrames: BinaryMask[] = [];
      const predFrames: BinaryMask[] = [];
      v.frames.forEach((frame, t) => {
        let gt: BinaryMask | undefined;
        for (const a of annoIds) {
          const list = maskDict[a];
          if (!list)
            throw new InvalidMetricInputError(
              files.masks,
              `${video}/${exp}`,
              `annotation id ${a} missing from mask_dict.json`,
              'an entry per anno_id',
              'none',
            );
          const r = list[t];
          if (r === undefined)
            throw new InvalidMetricInputError(
              files.masks,
              `${video}/${exp}`,
              `annotation ${a} has no entry for frame ${t}`,
              `${v.frames.length} entries`,
              String(list.length),
            );
          if (r === null) continue;
          const m = decodeRle(r, files.masks, t);
          if (!gt) gt = m;
          else
            for (let k = 0; k < m.data.length; k++)
              (gt.data as Uint8Array)[k] = (gt.data[k] as number) + (m.data[k] as number);
        }
        const size =
          gt ?? gtFrames[0] ?? (v.width && v.height ? { width: v.width, height: v.height } : undefined);
        const p = readPred(video, exp, frame, t, size?.width ?? 0, size?.height ?? 0);
        gtFrames.push(gt ?? emptyMask(p.width, p.height));
        predFrames.push(p);
      });
      const options = { accuracy: e.type_id !== undefined, item: `${video}/${exp}` };
      if (e.type_id !== undefined) hasType = true;
      if (pool) {
        // masks are transferred to the worker; at most 2 expressions per worker in flight bound the memory
        const job = pool.score(gtFrames, predFrames, options).then((r) => finished(i, r));
        inflight.add(job);
        void job.then(
          () => inflight.delete(job),
          () => inflight.delete(job),
        );
        if (inflight.size >= 2 * pool.size) await Promise.race(inflight);
      } else {
        finished(i, scoreExpressionMasks(gtFrames, predFrames, { ...options, path: o.pred }));
      }
    }
    await Promise.all(inflight);
  } finally {
    await pool?.close();
  }
  jobs.forEach(({ video, exp }, i) => {
    const e = (meta.videos[video] as MetaExpressions['videos'][string]).expressions[
      exp
    ] as MetaExpressions['videos'][string]['expressions'][string];
    const r = results[i] as ExpressionMaskScores;
    const s = expressionScore(`${video}/${exp}`, r.frames, e.type_id, r.accuracy);
    scores.push(s);
    const b = biForeFromSpans(r.gtSpan, r.predSpan, r.frames);
    bi.push(b);
    perItem.push({
      video,
      expression: exp,
      ...(e.type_id === undefined ? {} : { type_id: e.type_id }),
      J: s.Je,
      F: s.Fe,
      'J&F': (s.Je + s.Fe) / 2,
      ...(s.Ae === undefined ? {} : { A: s.Ae }),
      JF_bi_fore: b.JFbiFore,
      bi_fore_status: b.status,
    });
  });
  o.onProgress?.({ type: 'score-end', total: jobs.length });
  const mevis = aggregateMevis(scores);
  const metrics: Record<string, number | null | Record<string, unknown>> = {
    J: mevis.J,
    F: mevis.F,
    'J&F': mevis['J&F'],
    printed: mevis.printed,
    bi_fore: aggregateBiFore(bi),
  };
  const rows: { label: string; values: (number | null)[] }[] = [
    { label: 'all', values: [mevis.printed['J&F'], mevis.printed.J, mevis.printed.F] },
  ];
  if (hasType) {
    const revos = aggregateRevos(scores);
    metrics.revos = revos;
    const r2 = (x: number | undefined) => (x === undefined ? null : Number(x.toFixed(2)));
    rows.length = 0;
    for (const [label, sub] of [
      ['referring', revos.referring],
      ['reasoning', revos.reasoning],
      ['overall', revos.overall],
    ] as const) {
      rows.push({ label, values: [r2(sub['J&F']), r2(sub.J), r2(sub.F), r2(sub.A)] });
    }
  }
  return {
    report: {
      format: 'videoloom-eval-score',
      version: 1,
      benchmark: 'refvos',
      mode: o.strict ? 'strict' : 'official',
      units:
        'fractions for J/F/J&F (printed: percent, 2 decimals); metrics.revos in percent as eval_revos.py',
      metrics,
      per_item: perItem,
      unavailable: [],
      inputs: { gt: files.meta, pred: o.pred },
    },
    table: formatTable(
      `Referring VOS (${scores.length} expressions)`,
      hasType ? ['J&F', 'J', 'F', 'A'] : ['J&F', 'J', 'F'],
      rows,
    ),
  };
}
