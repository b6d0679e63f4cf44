import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DataConfigError } from '../errors/config-error.js';
import { readJsonIfExists, writeJsonAtomic } from './atomic.js';
import { type ProgressWriter, StageProgress } from './progress.js';

/** One input video and the folder its per-video files go to. */
export interface VideoJob {
  readonly videoId: string;
  readonly videoPath: string;
  /** `<outDir>/videos/<videoId>` */
  readonly dir: string;
}

/**
 * What a stage writes for one video. `discarded` takes the video out of every later stage (the paper's
 * filters: too many shots, no main character, rejected in manual verification).
 */
export interface StageOutput {
  readonly discarded?: { readonly reason: string };
  readonly [key: string]: unknown;
}

/** One pipeline stage. */
export interface PipelineStage {
  /** Short name, also the progress bar label and the manifest key. */
  readonly name: string;
  /** Bumped when the stage's code changes what it writes. */
  readonly version: string;
  /** File written in the video's folder, e.g. `shots.json`. */
  readonly output: string;
  /** The options that change the output; recorded in the manifest and part of the fingerprint. */
  readonly config: unknown;
  /** Model names and versions the stage uses (recorded in the manifest and fingerprint). */
  readonly models?: Readonly<Record<string, string>>;
  /** Earlier stages' output files this stage reads (their content is part of the fingerprint). */
  readonly inputs?: readonly string[];
  run(job: VideoJob): Promise<StageOutput>;
}

export type VideoStageStatus = 'done' | 'discarded' | 'failed';

interface ManifestVideoStage {
  status: VideoStageStatus;
  fingerprint: string;
  finishedAt: string;
  reason?: string;
  error?: string;
}

/** `<outDir>/manifest.json`: what ran with which config and model versions, per stage and video. */
export interface PipelineManifest {
  formatVersion: 1;
  stages: Record<string, { version: string; config: unknown; models: Record<string, string> }>;
  runs: { startedAt: string; finishedAt?: string; videos: number }[];
  videos: Record<string, Record<string, ManifestVideoStage>>;
}

/** Options of {@link runStages}. */
export interface RunStagesOptions {
  readonly outDir: string;
  readonly videos: readonly { readonly videoId: string; readonly videoPath: string }[];
  readonly stages: readonly PipelineStage[];
  /** Videos processed at once within a stage. @defaultValue 2 */
  readonly concurrency?: number;
  /** Where the progress bars go (e.g. process.stderr); none when undefined. */
  readonly progress?: ProgressWriter;
}

/** Per-video outcome of a run. */
export interface VideoOutcome {
  readonly videoId: string;
  /** The last stage that ran (or was skipped as finished) for this video. */
  readonly lastStage: string | undefined;
  readonly status: 'complete' | VideoStageStatus;
  readonly reason?: string;
}

function sha256(parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** Runs `tasks` with at most `limit` in flight. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Runs the stages in order, each over every still-active video with a concurrency limit. Resumable: a
 * stage is skipped for a video when its output file exists and the manifest records the same
 * fingerprint (stage version, config, models and the content of the stage's input files), so a rerun
 * after a crash redoes only unfinished work, and a changed config or upstream file redoes what depends
 * on it. Outputs and the manifest are written atomically; a stage that throws marks the video failed
 * (with the error in the manifest) and the run goes on with the others.
 */
export async function runStages(options: RunStagesOptions): Promise<VideoOutcome[]> {
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new DataConfigError('concurrency', 'an integer >= 1', concurrency);
  const names = new Set<string>();
  for (const s of options.stages) {
    if (names.has(s.name)) throw new DataConfigError('stages', 'stages with distinct names', s.name);
    names.add(s.name);
  }
  const manifestPath = path.join(options.outDir, 'manifest.json');
  const manifest: PipelineManifest = (await readJsonIfExists<PipelineManifest>(manifestPath)) ?? {
    formatVersion: 1,
    stages: {},
    runs: [],
    videos: {},
  };
  for (const s of options.stages)
    manifest.stages[s.name] = { version: s.version, config: s.config, models: { ...(s.models ?? {}) } };
  const run = {
    startedAt: new Date().toISOString(),
    videos: options.videos.length,
  } as PipelineManifest['runs'][number];
  manifest.runs.push(run);
  // Manifest writes are chained so concurrent videos never interleave two writes.
  let manifestWrite: Promise<void> = writeJsonAtomic(manifestPath, manifest);
  const saveManifest = (): Promise<void> => {
    manifestWrite = manifestWrite.then(() => writeJsonAtomic(manifestPath, manifest));
    return manifestWrite;
  };

  const jobs: VideoJob[] = options.videos.map((v) => ({
    ...v,
    dir: path.join(options.outDir, 'videos', v.videoId),
  }));
  const outcome = new Map<string, VideoOutcome>(
    jobs.map((j) => [j.videoId, { videoId: j.videoId, lastStage: undefined, status: 'complete' }]),
  );

  for (const stage of options.stages) {
    const active = jobs.filter((j) => outcome.get(j.videoId)!.status === 'complete');
    const bar = new StageProgress(stage.name, active.length, options.progress);
    await mapWithConcurrency(active, concurrency, async (job) => {
      const inputs = await Promise.all(
        (stage.inputs ?? []).map(async (f) =>
          fs.readFile(path.join(job.dir, f)).catch(() => new Uint8Array()),
        ),
      );
      const fingerprint = sha256([
        stage.name,
        stage.version,
        JSON.stringify(stage.config ?? null),
        JSON.stringify(stage.models ?? {}),
        ...inputs,
      ]);
      const outputPath = path.join(job.dir, stage.output);
      const previous = manifest.videos[job.videoId]?.[stage.name];
      const existing =
        previous && previous.fingerprint === fingerprint && previous.status !== 'failed'
          ? await readJsonIfExists<StageOutput>(outputPath)
          : undefined;
      let result: ManifestVideoStage;
      if (existing) {
        result = previous!;
        bar.tick('skipped');
      } else {
        try {
          const output = await stage.run(job);
          await writeJsonAtomic(outputPath, output);
          result = output.discarded
            ? {
                status: 'discarded',
                fingerprint,
                finishedAt: new Date().toISOString(),
                reason: output.discarded.reason,
              }
            : { status: 'done', fingerprint, finishedAt: new Date().toISOString() };
          bar.tick('done');
        } catch (error) {
          result = {
            status: 'failed',
            fingerprint,
            finishedAt: new Date().toISOString(),
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          };
          bar.tick('failed');
        }
        manifest.videos[job.videoId] = { ...(manifest.videos[job.videoId] ?? {}), [stage.name]: result };
        await saveManifest();
      }
      outcome.set(job.videoId, {
        videoId: job.videoId,
        lastStage: stage.name,
        status: result.status === 'done' ? 'complete' : result.status,
        ...(result.reason || result.error ? { reason: result.reason ?? result.error } : {}),
      });
    });
    bar.finish();
  }
  run.finishedAt = new Date().toISOString();
  await saveManifest();
  return jobs.map((j) => outcome.get(j.videoId)!);
}
