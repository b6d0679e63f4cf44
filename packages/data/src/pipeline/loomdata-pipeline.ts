import fs from 'node:fs/promises';
import path from 'node:path';
import { DataConfigError } from '../errors/config-error.js';
import { toReferringVos, toTemporalGrounding } from '../records/conversions.js';
import type { LoomBenchQuestion } from '../synth/questions.js';
import { readJsonIfExists, writeJsonAtomic } from './atomic.js';
import { histogram, writeHistogramPng } from './histogram.js';
import { type LoomDataConfig, type LoomDataModels, loomDataStages } from './loomdata-stages.js';
import type { AnnotationFile, LoomDataRecord } from './loomdata-types.js';
import type { ProgressWriter } from './progress.js';
import { runStages, type VideoOutcome } from './runner.js';

/** Video file extensions picked up from an input folder. */
export const VIDEO_EXTENSIONS = ['.mp4', '.mkv', '.webm', '.mov', '.avi'] as const;

/** Options of {@link runLoomDataPipeline}. */
export interface LoomDataPipelineOptions {
  /** Folder of videos (non-recursive); the video id is the file name without extension. */
  readonly inputDir: string;
  readonly outDir: string;
  readonly models: LoomDataModels;
  readonly config?: LoomDataConfig;
  /** @defaultValue 2 */
  readonly concurrency?: number;
  readonly progress?: ProgressWriter;
}

/** `summary.json`, written at the end of a run (paper Sec. 3.1 / Appendix C.2 statistics). */
export interface LoomDataSummary {
  readonly videos: {
    readonly total: number;
    readonly kept: number;
    readonly discarded: { videoId: string; stage: string | undefined; reason: string | undefined }[];
    readonly failed: { videoId: string; stage: string | undefined; reason: string | undefined }[];
  };
  readonly shots: { readonly total: number; readonly meanPerVideo: number };
  /** Merged segments with tracklets (LoomData's shots). */
  readonly segments: { readonly total: number; readonly meanSeconds: number };
  readonly descriptions: {
    readonly total: number;
    readonly meanWords: number;
    readonly rejectedSegments: number;
  };
  readonly questions: { readonly when: number; readonly where: number; readonly combined: number };
  /** Lengths of the segments, 5 s bins (paper Fig. 7, left); drawn in shot-length-histogram.png. */
  readonly segmentLengthHistogram: { readonly binSeconds: number; readonly counts: number[] };
}

/**
 * Runs the LoomData pipeline over a folder of videos (resumable; see `runStages`), then writes, in
 * `outDir`: `summary.json`, `shot-length-histogram.png`, `loomdata.json` (all records),
 * `temporal-grounding.json`, `refvos/meta_expressions.json` + `refvos/mask_dict.json`, and
 * `loombench.json` (all questions).
 */
export async function runLoomDataPipeline(options: LoomDataPipelineOptions): Promise<{
  outcomes: VideoOutcome[];
  summary: LoomDataSummary;
}> {
  let names: string[];
  try {
    names = (await fs.readdir(options.inputDir)).filter((n) =>
      (VIDEO_EXTENSIONS as readonly string[]).includes(path.extname(n).toLowerCase()),
    );
  } catch (error) {
    throw new DataConfigError('inputDir', 'a readable folder of videos', options.inputDir);
  }
  names.sort();
  const videos = names.map((n) => ({
    videoId: path.basename(n, path.extname(n)),
    videoPath: path.join(options.inputDir, n),
  }));
  const outcomes = await runStages({
    outDir: options.outDir,
    videos,
    stages: loomDataStages(options.models, options.config),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });

  const records: LoomDataRecord[] = [];
  const questions: LoomBenchQuestion[] = [];
  let shotTotal = 0;
  let rejectedSegments = 0;
  for (const v of videos) {
    const dir = path.join(options.outDir, 'videos', v.videoId);
    const shots = await readJsonIfExists<{ shots?: unknown[] }>(path.join(dir, 'shots.json'));
    shotTotal += shots?.shots?.length ?? 0;
    const annotation = await readJsonIfExists<AnnotationFile>(path.join(dir, 'annotation.json'));
    rejectedSegments += annotation?.rejected?.length ?? 0;
    if (outcomes.find((o) => o.videoId === v.videoId)?.status !== 'complete') continue;
    const record = await readJsonIfExists<LoomDataRecord>(path.join(dir, 'loomdata.json'));
    if (record) records.push(record);
    const qs = await readJsonIfExists<{ questions: LoomBenchQuestion[] }>(path.join(dir, 'loombench.json'));
    questions.push(...(qs?.questions ?? []));
  }
  const segments = records.flatMap((r) => r.segments);
  const lengths = segments.map((s) => s.endSeconds - s.startSeconds);
  const descriptions = segments.flatMap((s) => s.descriptions);
  const words = descriptions.map((d) => d.text.split(/\s+/).filter(Boolean).length);
  const h = histogram(lengths, 5, 60);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const pick = (status: VideoOutcome['status']) =>
    outcomes
      .filter((o) => o.status === status)
      .map((o) => ({ videoId: o.videoId, stage: o.lastStage, reason: o.reason }));
  const summary: LoomDataSummary = {
    videos: {
      total: videos.length,
      kept: records.length,
      discarded: pick('discarded'),
      failed: pick('failed'),
    },
    shots: { total: shotTotal, meanPerVideo: videos.length ? shotTotal / videos.length : 0 },
    segments: { total: segments.length, meanSeconds: mean(lengths) },
    descriptions: { total: descriptions.length, meanWords: mean(words), rejectedSegments },
    questions: {
      when: questions.filter((q) => q.type === 'when').length,
      where: questions.filter((q) => q.type === 'where').length,
      combined: questions.filter((q) => q.type === 'combined').length,
    },
    segmentLengthHistogram: h,
  };
  await writeJsonAtomic(path.join(options.outDir, 'summary.json'), summary);
  await writeHistogramPng(path.join(options.outDir, 'shot-length-histogram.png'), h);
  await writeJsonAtomic(path.join(options.outDir, 'loomdata.json'), records);
  await writeJsonAtomic(path.join(options.outDir, 'temporal-grounding.json'), toTemporalGrounding(records));
  const vos = toReferringVos(records);
  await writeJsonAtomic(path.join(options.outDir, 'refvos', 'meta_expressions.json'), vos.metaExpressions);
  await writeJsonAtomic(path.join(options.outDir, 'refvos', 'mask_dict.json'), vos.maskDict);
  await writeJsonAtomic(path.join(options.outDir, 'loombench.json'), questions);
  return { outcomes, summary };
}
