import fs from 'node:fs/promises';
import path from 'node:path';
import { type CocoRle, encodeRle, type LoomBenchFile, type LoomBenchItem } from '@videoloom/metrics';
import { type RgbFrame, writeAtomically, writeMp4 } from '@videoloom/video-io';
import { generateQuestions, type LoomBenchQuestion } from './questions.js';
import { renderFrame } from './render.js';
import { DEFAULT_SYNTH_WORLD, generateScenario, type SynthWorldConfig } from './scenario.js';
import { type SynthSplit, splitSeeds, synthVideoId } from './splits.js';
import { type VideoTruth, videoTruth } from './truth.js';

/** Bumped whenever a change alters what a seed renders, so old and new splits are never mixed. */
export const SYNTH_GENERATOR_VERSION = 1;

/** One video's truth file: the temporal truth plus the main character's mask on every frame. */
export interface SynthVideoRecord extends VideoTruth {
  readonly generatorVersion: number;
  /** File name of the video, relative to the split's `videos/` folder. */
  readonly videoFile: string;
  /** COCO RLE of the main character on every frame (empty masks where it is absent). */
  readonly masks: readonly CocoRle[];
}

/** The split-level manifest: what was generated, how, and where. */
export interface SynthSplitManifest {
  readonly generatorVersion: number;
  readonly split: SynthSplit;
  readonly count: number;
  readonly world: SynthWorldConfig;
  readonly videos: readonly {
    readonly videoId: string;
    readonly seed: number;
    readonly frameCount: number;
  }[];
}

export type SynthProgressEvent =
  | { readonly type: 'generate-start'; readonly total: number; readonly skipped: number }
  | {
      readonly type: 'generate-progress';
      readonly done: number;
      readonly total: number;
      readonly videoId: string;
    }
  | { readonly type: 'generate-end'; readonly total: number };

export interface WriteSynthSplitOptions {
  readonly split: SynthSplit;
  readonly count: number;
  /** Output folder; gets videos/, truth/, questions.json and manifest.json. */
  readonly outDir: string;
  readonly world?: SynthWorldConfig;
  /** x264 CRF of the written videos. @defaultValue 16 */
  readonly crf?: number;
  readonly onProgress?: (event: SynthProgressEvent) => void;
}

/**
 * Writes a LoomBench-Synth split as real mp4 files plus truth. Resumable: a video whose truth file
 * exists is skipped (the truth is written after its video, both atomically), so a killed run picks
 * up where it stopped and never leaves a half-written file.
 */
export async function writeSynthSplit(options: WriteSynthSplitOptions): Promise<SynthSplitManifest> {
  const world = options.world ?? DEFAULT_SYNTH_WORLD;
  const videosDir = path.join(options.outDir, 'videos');
  const truthDir = path.join(options.outDir, 'truth');
  await fs.mkdir(videosDir, { recursive: true });
  await fs.mkdir(truthDir, { recursive: true });
  const seeds = splitSeeds(options.split, options.count);
  const entries: SynthSplitManifest['videos'][number][] = [];
  const questions: LoomBenchQuestion[] = [];
  const pending: number[] = [];
  for (let i = 0; i < seeds.length; i++) {
    const truthFile = path.join(truthDir, `${synthVideoId(options.split, i)}.json`);
    if (await exists(truthFile)) {
      const record = JSON.parse(await fs.readFile(truthFile, 'utf8')) as SynthVideoRecord;
      if (record.generatorVersion === SYNTH_GENERATOR_VERSION) continue;
    }
    pending.push(i);
  }
  options.onProgress?.({
    type: 'generate-start',
    total: seeds.length,
    skipped: seeds.length - pending.length,
  });
  let done = seeds.length - pending.length;
  for (const i of pending) {
    const videoId = synthVideoId(options.split, i);
    const scenario = generateScenario(seeds[i]!, world, videoId);
    const masks: CocoRle[] = [];
    function* frames(): Generator<RgbFrame> {
      for (let f = 0; f < scenario.frameCount; f++) {
        const frame = renderFrame(scenario, f);
        masks.push(encodeRle({ width: frame.width, height: frame.height, data: frame.mainMask }));
        yield { width: frame.width, height: frame.height, data: frame.rgb };
      }
    }
    const videoFile = `${videoId}.mp4`;
    await writeMp4(path.join(videosDir, videoFile), frames(), {
      frameRate: { numerator: world.fps, denominator: 1 },
      crf: options.crf ?? 16,
    });
    const record: SynthVideoRecord = {
      ...videoTruth(scenario),
      generatorVersion: SYNTH_GENERATOR_VERSION,
      videoFile,
      masks,
    };
    await writeAtomically(path.join(truthDir, `${videoId}.json`), (temporary) =>
      fs.writeFile(temporary, JSON.stringify(record)),
    );
    done++;
    options.onProgress?.({ type: 'generate-progress', done, total: seeds.length, videoId });
  }
  for (let i = 0; i < seeds.length; i++) {
    const scenario = generateScenario(seeds[i]!, world, synthVideoId(options.split, i));
    entries.push({ videoId: scenario.videoId, seed: scenario.seed, frameCount: scenario.frameCount });
    questions.push(...generateQuestions(scenario));
  }
  const manifest: SynthSplitManifest = {
    generatorVersion: SYNTH_GENERATOR_VERSION,
    split: options.split,
    count: options.count,
    world,
    videos: entries,
  };
  await writeAtomically(path.join(options.outDir, 'loombench-gt.json'), async (temporary) =>
    fs.writeFile(
      temporary,
      `${JSON.stringify(await loomBenchGroundTruth(options.outDir, questions), null, 1)}\n`,
    ),
  );
  await writeAtomically(path.join(options.outDir, 'manifest.json'), (temporary) =>
    fs.writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`),
  );
  options.onProgress?.({ type: 'generate-end', total: seeds.length });
  return manifest;
}

/**
 * The split's questions as a LoomBench ground-truth file (format v1 of @videoloom/metrics): When items
 * carry the span; Where items the masks on the frames of the span they name; Combined items the span
 * and the masks on every frame of the video (empty outside the span), which bidirectional foreground
 * J&F needs to punish a tracklet that spills outside the asked moment.
 */
async function loomBenchGroundTruth(
  outDir: string,
  questions: readonly LoomBenchQuestion[],
): Promise<LoomBenchFile> {
  const records = new Map<string, SynthVideoRecord>();
  const items: LoomBenchItem[] = [];
  for (const q of questions) {
    let record = records.get(q.videoId);
    if (!record) {
      record = JSON.parse(
        await fs.readFile(path.join(outDir, 'truth', `${q.videoId}.json`), 'utf8'),
      ) as SynthVideoRecord;
      records.clear(); // questions are grouped by video: keep one record in memory
      records.set(q.videoId, record);
    }
    const span: [number, number] = [q.span.startSeconds, q.span.endSeconds];
    const base = {
      id: q.questionId,
      task: q.type,
      video: `videos/${record.videoFile}`,
      question: q.question,
    };
    if (q.type === 'when') {
      items.push({ ...base, span });
      continue;
    }
    const [first, last] = q.type === 'where' ? [q.startFrame, q.endFrame] : [0, record.frameCount];
    const frames = Array.from({ length: last - first }, (_, k) => first + k);
    const masks = frames.map((f) =>
      q.type === 'combined' && (f < q.startFrame || f >= q.endFrame) ? null : record.masks[f]!,
    );
    items.push({
      ...base,
      ...(q.type === 'combined' ? { span } : {}),
      frameTimesSeconds: frames.map((f) => f / record.fps),
      masks,
    });
  }
  return { format: 'loombench', version: 1, kind: 'gt', items };
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
