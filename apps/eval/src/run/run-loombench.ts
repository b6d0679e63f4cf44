import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectTfjsBackend } from '@videoloom/backend';
import { VideoLoomPipeline } from '@videoloom/llm-core';
import { type CocoRle, type LoomBenchItem, parseLoomBenchFile } from '@videoloom/metrics';
import { Sam2Bridge } from '@videoloom/sam2-bridge';
import { FfmpegVideoSource } from '@videoloom/video-io';
import { ReportInputError } from '../report/report-input-error.js';
import { type LoomBenchReportOutcome, writeLoomBenchReport } from '../report/write-report.js';
import { writeJsonAtomic } from '../score/report.js';

export interface RunLoomBenchOptions {
  /** A checkpoint folder: config.json, model.safetensors, tokenizer.json, pipeline.json, sam2/. */
  readonly checkpoint: string;
  /** A LoomBench split folder: loombench-gt.json and the videos it names. */
  readonly split: string;
  readonly out: string;
  /** Evaluate only the first N videos of the split. @defaultValue all */
  readonly maxVideos?: number;
  /** Row label in the tables. @defaultValue 'VideoLoom' */
  readonly label?: string;
  /** Qualitative example PNGs. @defaultValue 3 */
  readonly examples?: number;
  /** A gt file to fit the constant-span baseline on (e.g. the train split's). */
  readonly baselineFit?: string;
  readonly baselineFitVideos?: string;
  readonly device?: string;
  readonly onProgress?: (message: string) => void;
}

/** Seconds -> the frame shown at that time (the last frame whose time is <= it, within half a frame). */
function frameIndexAt(frameTimes: readonly number[], seconds: number): number {
  let lo = 0;
  let hi = frameTimes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (frameTimes[mid]! <= seconds + 1e-6) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Runs a checkpoint over a LoomBench split (When, Where, Combined items), writing one prediction
 * file per video as it goes (a rerun skips finished videos), then `predictions.json` and the report
 * (Table 4 layout, baseline, examples).
 */
export async function runLoomBench(options: RunLoomBenchOptions): Promise<LoomBenchReportOutcome> {
  const log = options.onProgress ?? (() => {});
  const gtPath = join(options.split, 'loombench-gt.json');
  if (!existsSync(gtPath)) {
    throw new ReportInputError(
      '--split',
      undefined,
      'no LoomBench ground truth',
      'a folder with loombench-gt.json',
      gtPath,
    );
  }
  const gt = parseLoomBenchFile(JSON.parse(await readFile(gtPath, 'utf8')), gtPath, 'gt');
  const byVideo = new Map<string, LoomBenchItem[]>();
  for (const item of gt.items) {
    if (!item.video)
      throw new ReportInputError(gtPath, item.id, 'item has no video', 'a "video" path', 'none');
    byVideo.set(item.video, [...(byVideo.get(item.video) ?? []), item]);
  }
  const videos = [...byVideo.keys()].slice(0, options.maxVideos ?? byVideo.size);
  await selectTfjsBackend({ device: options.device ?? 'auto' });
  const segmenter = await Sam2Bridge.load(join(options.checkpoint, 'sam2'));
  const pipeline = await VideoLoomPipeline.load(options.checkpoint, { segmenter });
  const source = new FfmpegVideoSource();
  const itemsDir = join(options.out, 'items');
  await mkdir(itemsDir, { recursive: true });
  const started = Date.now();
  const predictions: LoomBenchItem[] = [];
  for (const [v, video] of videos.entries()) {
    const file = join(itemsDir, `${video.replace(/[^\w.-]+/g, '_')}.json`);
    if (existsSync(file)) {
      predictions.push(...(JSON.parse(await readFile(file, 'utf8')) as LoomBenchItem[]));
      continue;
    }
    const prepared = await pipeline.prepare(source, join(options.split, video));
    const out: LoomBenchItem[] = [];
    try {
      for (const item of byVideo.get(video)!) {
        const task = item.task ?? 'when';
        const gtFrames = (item.frameTimesSeconds ?? []).map((t) =>
          frameIndexAt(prepared.frameTimesSeconds, t),
        );
        const answer = await pipeline.ask(prepared, item.question ?? '', task, { maskFrames: gtFrames });
        const prediction: { -readonly [K in keyof LoomBenchItem]: LoomBenchItem[K] } = { id: item.id };
        if (task === 'when' || task === 'combined') {
          prediction.span = answer.span ? [answer.span.startSeconds, answer.span.endSeconds] : null;
        }
        if (task === 'where' || task === 'combined') {
          const byFrame = new Map(answer.masks.map((m) => [m.frameIndex, m.rle as CocoRle]));
          prediction.masks = gtFrames.map((f) => byFrame.get(f) ?? null);
          prediction.frameTimesSeconds = item.frameTimesSeconds;
        }
        out.push(prediction);
      }
    } finally {
      prepared.dispose();
    }
    writeJsonAtomic(file, out);
    predictions.push(...out);
    const elapsed = (Date.now() - started) / 1000;
    log(
      `run ${v + 1}/${videos.length} videos (${elapsed.toFixed(0)} s, ETA ${((elapsed / (v + 1)) * (videos.length - v - 1)).toFixed(0)} s)`,
    );
  }
  // The report scores exactly the evaluated videos: a gt file restricted to them.
  const evaluated = new Set(videos);
  const subsetGt = join(options.out, 'gt.json');
  writeJsonAtomic(subsetGt, { ...gt, items: gt.items.filter((i) => evaluated.has(i.video!)) });
  const predPath = join(options.out, 'predictions.json');
  writeJsonAtomic(predPath, { format: 'loombench', version: 1, kind: 'pred', items: predictions });
  return writeLoomBenchReport({
    gt: subsetGt,
    preds: [{ label: options.label ?? 'VideoLoom', path: predPath }],
    videos: options.split,
    out: options.out,
    examples: options.examples ?? 3,
    ...(options.baselineFit ? { baselineFit: options.baselineFit } : {}),
    ...(options.baselineFitVideos ? { baselineFitVideos: options.baselineFitVideos } : {}),
    onProgress: log,
  });
}
