import { DataConfigError } from '../errors/config-error.js';
import { FrameInputError } from '../errors/frame-input-error.js';
import type { FrameSource } from '../frames/frame-source.js';
import { ContentDetector, type ContentDetectorOptions } from './content-detector.js';
import { downscaleFactor, downscaleRgb, rgbToHsv } from './hsv.js';
import { type KtsOptions, kernelTemporalSegmentation, ktsFeature } from './kts.js';

/** Options of {@link partitionShots}. Every default is the paper's or PySceneDetect's unless said. */
export interface ShotPartitionOptions {
  readonly content?: ContentDetectorOptions;
  /** KTS options; `false` turns KTS off (content cuts only). */
  readonly kts?:
    | (KtsOptions & {
        /** Samples per second fed to KTS. @defaultValue 2 */
        readonly samplesPerSecond?: number;
        /**
         * Most samples KTS sees; longer videos are thinned evenly (the kernel matrix is N x N doubles:
         * 1500 samples = 18 MB, 12.5 minutes at 2/s). @defaultValue 1500
         */
        readonly maxSamples?: number;
      })
    | false;
  /**
   * A KTS boundary this close (seconds) to a content cut is the same boundary and is dropped in favour
   * of the content cut, which is frame-exact. @defaultValue 0.5 (one KTS sample at 2/s)
   */
  readonly coincidenceSeconds?: number;
  /** Shots shorter than this are merged into a neighbour. @defaultValue 1 */
  readonly minShotSeconds?: number;
  /** Videos with more shots than this (after merging) are discarded. @defaultValue 10 */
  readonly maxShots?: number;
  /** Called every `progressEvery` frames. */
  readonly onProgress?: (event: { readonly type: 'shots-progress'; readonly frameIndex: number }) => void;
}

/** Where a boundary came from. */
export type BoundarySource = 'content' | 'kts';

/** One shot: frames [startFrameIndex, endFrameIndex) and seconds [startSeconds, endSeconds). */
export interface Shot {
  readonly shotIndex: number;
  readonly startFrameIndex: number;
  readonly endFrameIndex: number;
  readonly startSeconds: number;
  readonly endSeconds: number;
}

/** A boundary between two shots: the first frame of the later shot. */
export interface ShotBoundary {
  readonly frameIndex: number;
  readonly timeSeconds: number;
  readonly source: BoundarySource;
  /** The content score of that frame against the previous one. */
  readonly score: number;
}

/** Result of {@link partitionShots}. */
export interface ShotPartition {
  readonly frameCount: number;
  /** End of the video stream: last frame time plus one frame duration. */
  readonly videoEndSeconds: number;
  readonly width: number;
  readonly height: number;
  readonly shots: Shot[];
  /** The boundaries kept (after coincidence and minimum-length merging). */
  readonly boundaries: ShotBoundary[];
  /** Raw detector outputs, for inspection. */
  readonly contentCuts: number[];
  readonly ktsCuts: number[];
  /** Content score of every frame (float32[frameCount]; frame 0 scores 0). */
  readonly scores: Float32Array;
  /** False when the video has more than `maxShots` shots. */
  readonly kept: boolean;
  readonly discardReason?: string;
}

/**
 * Shot partition (paper Sec. 3.1, stage i) in one streaming pass over the frames.
 *
 * 1. PySceneDetect's ContentDetector finds hard cuts, frame-exact.
 * 2. KTS over colour-histogram features sampled at 2/s finds content transitions the frame difference
 *    misses (gradual ones). Each KTS change point lies between two samples; it is placed on the frame
 *    between them with the largest content score, so it is frame-exact where the change is abrupt.
 * 3. Both sets are ordered by time. Near-coincident rule: a KTS boundary within `coincidenceSeconds` of
 *    a content cut is the same boundary seen twice, and the content cut is kept.
 * 4. Shots shorter than `minShotSeconds` are merged into the neighbour across their weaker boundary
 *    (lower content score), shortest first; a first or last shot merges into its only neighbour.
 * 5. More than `maxShots` shots: the video is marked discarded.
 */
export async function partitionShots(
  frames: FrameSource,
  options: ShotPartitionOptions = {},
): Promise<ShotPartition> {
  const coincidenceSeconds = options.coincidenceSeconds ?? 0.5;
  const minShotSeconds = options.minShotSeconds ?? 1;
  const maxShots = options.maxShots ?? 10;
  if (!(coincidenceSeconds >= 0))
    throw new DataConfigError('coincidenceSeconds', 'a number >= 0', coincidenceSeconds);
  if (!(minShotSeconds >= 0)) throw new DataConfigError('minShotSeconds', 'a number >= 0', minShotSeconds);
  if (!Number.isInteger(maxShots) || maxShots < 1)
    throw new DataConfigError('maxShots', 'an integer >= 1', maxShots);
  const ktsOptions = options.kts === false ? undefined : (options.kts ?? {});
  const samplesPerSecond = ktsOptions?.samplesPerSecond ?? 2;
  if (ktsOptions && !(samplesPerSecond > 0))
    throw new DataConfigError('kts.samplesPerSecond', 'a number > 0', samplesPerSecond);

  const detector = new ContentDetector(options.content);
  const contentCuts: number[] = [];
  const scores: number[] = [];
  const times: number[] = [];
  const ktsSamples: { frameIndex: number; feature: Float32Array }[] = [];
  let width = 0;
  let height = 0;
  let factor = 1;
  let nextSampleTime = 0;
  for await (const frame of frames) {
    const expectedIndex = times.length;
    if (frame.frameIndex !== expectedIndex)
      throw new FrameInputError(
        frame.frameIndex,
        `frameIndex ${expectedIndex} (consecutive)`,
        `${frame.frameIndex}`,
      );
    if (expectedIndex === 0) {
      width = frame.width;
      height = frame.height;
      factor = downscaleFactor(width);
    } else if (frame.width !== width || frame.height !== height) {
      throw new FrameInputError(frame.frameIndex, `${width}x${height}`, `${frame.width}x${frame.height}`);
    }
    if (frame.rgb.length !== width * height * 3)
      throw new FrameInputError(frame.frameIndex, `${width * height * 3} RGB bytes`, `${frame.rgb.length}`);
    const planes = rgbToHsv(downscaleRgb(frame.rgb, width, height, factor));
    const { score, cuts } = detector.process(frame.frameIndex, planes);
    contentCuts.push(...cuts);
    scores.push(score);
    times.push(frame.timeSeconds);
    if (ktsOptions && frame.timeSeconds >= nextSampleTime) {
      ktsSamples.push({ frameIndex: frame.frameIndex, feature: ktsFeature(planes) });
      nextSampleTime += 1 / samplesPerSecond;
      while (nextSampleTime <= frame.timeSeconds) nextSampleTime += 1 / samplesPerSecond;
    }
    if (options.onProgress && frame.frameIndex % 30 === 0)
      options.onProgress({ type: 'shots-progress', frameIndex: frame.frameIndex });
  }
  const frameCount = times.length;
  if (frameCount === 0) throw new FrameInputError(0, 'at least one frame', 'an empty frame source');
  const frameDuration = frameCount > 1 ? (times[frameCount - 1]! - times[0]!) / (frameCount - 1) : 1 / 30;
  const videoEndSeconds = times[frameCount - 1]! + frameDuration;

  // KTS change points, each placed on the highest-scoring frame between its two samples.
  const ktsCuts: number[] = [];
  const maxSamples = ktsOptions?.maxSamples ?? 1500;
  const stride = Math.ceil(ktsSamples.length / maxSamples);
  const used = stride > 1 ? ktsSamples.filter((_, i) => i % stride === 0) : ktsSamples;
  if (ktsOptions && used.length > 1) {
    const { changePoints } = kernelTemporalSegmentation(
      used.map((s) => s.feature),
      ktsOptions,
    );
    for (const cp of changePoints) {
      const lo = used[cp - 1]!.frameIndex + 1;
      const hi = used[cp]!.frameIndex;
      let at = hi;
      for (let f = lo; f <= hi; f++) if (scores[f]! > scores[at]!) at = f;
      ktsCuts.push(at);
    }
  }

  // Order both sets; drop a KTS boundary that coincides with a content cut.
  const boundaries: ShotBoundary[] = contentCuts.map((f) => ({
    frameIndex: f,
    timeSeconds: times[f]!,
    source: 'content' as const,
    score: scores[f]!,
  }));
  for (const f of ktsCuts) {
    const t = times[f]!;
    if (boundaries.some((b) => b.source === 'content' && Math.abs(b.timeSeconds - t) <= coincidenceSeconds))
      continue;
    if (boundaries.some((b) => b.frameIndex === f)) continue;
    boundaries.push({ frameIndex: f, timeSeconds: t, source: 'kts', score: scores[f]! });
  }
  boundaries.sort((a, b) => a.frameIndex - b.frameIndex);

  // Merge shots shorter than minShotSeconds, shortest first, across the weaker boundary.
  const timeAt = (f: number): number => (f >= frameCount ? videoEndSeconds : times[f]!);
  for (;;) {
    const starts = [0, ...boundaries.map((b) => b.frameIndex)];
    let shortest = -1;
    let shortestLength = Number.POSITIVE_INFINITY;
    for (let s = 0; s < starts.length; s++) {
      const length = timeAt(starts[s + 1] ?? frameCount) - timeAt(starts[s]!);
      if (length < minShotSeconds && length < shortestLength) {
        shortest = s;
        shortestLength = length;
      }
    }
    if (shortest < 0 || boundaries.length === 0) break;
    // Boundary s-1 starts shot s; boundary s ends it.
    const before = shortest > 0 ? boundaries[shortest - 1] : undefined;
    const after = shortest < boundaries.length ? boundaries[shortest] : undefined;
    const drop = !before
      ? shortest
      : !after
        ? shortest - 1
        : before.score <= after.score
          ? shortest - 1
          : shortest;
    boundaries.splice(drop, 1);
  }

  const starts = [0, ...boundaries.map((b) => b.frameIndex)];
  const shots: Shot[] = starts.map((start, shotIndex) => {
    const end = starts[shotIndex + 1] ?? frameCount;
    return {
      shotIndex,
      startFrameIndex: start,
      endFrameIndex: end,
      startSeconds: timeAt(start),
      endSeconds: timeAt(end),
    };
  });
  const kept = shots.length <= maxShots;
  return {
    frameCount,
    videoEndSeconds,
    width,
    height,
    shots,
    boundaries,
    contentCuts,
    ktsCuts,
    scores: Float32Array.from(scores),
    kept,
    ...(kept ? {} : { discardReason: `${shots.length} shots > maxShots ${maxShots}` }),
  };
}
