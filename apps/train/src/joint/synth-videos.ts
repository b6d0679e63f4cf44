import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateScenario, renderFrame, type SynthScenario, type VideoTruth } from '@videoloom/data';
import { type CocoRle, decodeRle, type LoomBenchItem, parseLoomBenchFile } from '@videoloom/metrics';
import {
  allocateImageTensor,
  FrameTimeline,
  planSlowFastSample,
  type SampledFrame,
  type SlowKeyframe,
  uniformFrameIndices,
  writeNormalisedFrame,
} from '@videoloom/slowfast';
import { FfmpegVideoSource, resizeRgbLikePil, type VideoSource } from '@videoloom/video-io';
import { TrainingDataError } from './errors.js';

/** What a training run samples from each video (recorded in the checkpoint's config). */
export interface FrameSampling {
  /** Fast frames, uniform over the video (0 = no fast stream). */
  readonly fastFrames: number;
  /** Slow keyframes, uniform over the video (0 = no slow stream). */
  readonly slowFrames: number;
  /** Side of the MLLM's square input (the vision encoder's imageSize). */
  readonly mllmSize: number;
  /** Frames per video kept at SAM2 resolution, with their true masks, for the mask loss. */
  readonly maskFrames: number;
}

/** One frame kept for the mask loss: SAM2-size RGB and the main character's mask. */
export interface MaskFrame {
  readonly frameIndex: number;
  readonly timeSeconds: number;
  /** uint8 RGB `[H, W, 3]` at the video's own size (SAM2's tiny input is the native 128 x 128). */
  readonly rgb: Uint8Array;
  /** uint8 0/1 `[H, W]`, row-major. */
  readonly mask: Uint8Array;
}

/** One LoomBench-Synth video, decoded once into what the training step needs. */
export interface PreparedVideo {
  readonly videoId: string;
  readonly path: string;
  readonly truth: VideoTruth;
  /** The generator's scenario (distractors' actions too), for the frame-event targets. */
  readonly scenario: SynthScenario;
  readonly width: number;
  readonly height: number;
  /** Fast frames: frame ids <-> frame indices <-> seconds (null without a fast stream). */
  readonly timeline: FrameTimeline | null;
  readonly slowKeyframes: readonly SlowKeyframe[];
  /** float32 `[Nf + Ns, 3, S, S]`, ImageNet-normalised: fast frames in id order, then slow keyframes. */
  readonly mllmPixels: Float32Array;
  readonly maskFrames: readonly MaskFrame[];
  /** The split's LoomBench items about this video. */
  readonly items: readonly LoomBenchItem[];
}

/** A LoomBench-Synth split folder: `loombench-gt.json`, `truth/<id>.json`, `videos/<id>.mp4`. */
export interface SynthSplitIndex {
  readonly dir: string;
  readonly videoIds: readonly string[];
  readonly itemsByVideo: ReadonlyMap<string, readonly LoomBenchItem[]>;
}

export async function readSynthSplit(dir: string): Promise<SynthSplitIndex> {
  const gtPath = join(dir, 'loombench-gt.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(gtPath, 'utf8'));
  } catch (error) {
    throw new TrainingDataError(gtPath, `cannot read the split's ground truth (${(error as Error).message})`);
  }
  const gt = parseLoomBenchFile(json, gtPath, 'gt');
  const itemsByVideo = new Map<string, LoomBenchItem[]>();
  for (const item of gt.items) {
    const video = item.video;
    if (!video) throw new TrainingDataError(gtPath, `item ${item.id} has no "video"`);
    const id = video.replace(/^videos\//, '').replace(/\.mp4$/, '');
    const list = itemsByVideo.get(id) ?? [];
    list.push(item);
    itemsByVideo.set(id, list);
  }
  return { dir, videoIds: [...itemsByVideo.keys()].sort(), itemsByVideo };
}

interface TruthFile extends VideoTruth {
  readonly masks: readonly CocoRle[];
}

/** The fast frames and slow keyframes a run samples from a video (slowfast's sampler). */
function planFrames(
  video: Parameters<typeof planSlowFastSample>[0],
  sampling: FrameSampling,
): { timeline: FrameTimeline | null; fast: readonly SampledFrame[]; slow: readonly SlowKeyframe[] } {
  const plan = planSlowFastSample(video, {
    fast: { kind: 'uniform', frameCount: Math.max(sampling.fastFrames, 1) },
    // The sampler always plans >= 1 keyframe; configs without a slow stream drop it.
    slowCount: Math.max(1, sampling.slowFrames),
  });
  const timeline = sampling.fastFrames > 0 ? plan.timeline : null;
  return { timeline, fast: timeline?.frames ?? [], slow: plan.slowKeyframes.slice(0, sampling.slowFrames) };
}

/**
 * Renders one video's frames from the generator's scenario instead of decoding its mp4: the same
 * frames before H.264 (no process spawns: ~10x faster on a loaded machine), sampled, resized and
 * normalised exactly as `prepareVideo` does. Evaluation always decodes the mp4s.
 */
export async function renderVideo(
  split: SynthSplitIndex,
  videoId: string,
  sampling: FrameSampling,
): Promise<PreparedVideo> {
  const truthPath = join(split.dir, 'truth', `${videoId}.json`);
  const truth = JSON.parse(await readFile(truthPath, 'utf8')) as TruthFile;
  const scenario = generateScenario(truth.seed, undefined, videoId);
  if (scenario.frameCount !== truth.frameCount) {
    throw new TrainingDataError(
      truthPath,
      `the generator gives ${scenario.frameCount} frames for seed ${truth.seed}, the truth says ${truth.frameCount} (generator version changed?)`,
    );
  }
  // The written mp4 has time base 1/fps and pts = frame index; time it the same way.
  const timing = {
    path: join(split.dir, 'videos', `${videoId}.mp4`),
    frameCount: truth.frameCount,
    framePts: Float64Array.from({ length: truth.frameCount }, (_, i) => i),
    timeBase: { numerator: 1, denominator: truth.fps },
    duration: { numerator: truth.frameCount, denominator: truth.fps },
    durationSeconds: truth.frameCount / truth.fps,
  };
  const { timeline, fast, slow } = planFrames(timing, sampling);
  const S = sampling.mllmSize;
  const pixels = allocateImageTensor(fast.length + slow.length, S, S);
  const rendered = new Map<number, ReturnType<typeof renderFrame>>();
  const frameAt = (i: number) => {
    let f = rendered.get(i);
    if (!f) {
      f = renderFrame(scenario, i);
      rendered.set(i, f);
    }
    return f;
  };
  const write = (frameIndex: number, slot: number) => {
    const f = frameAt(frameIndex);
    writeNormalisedFrame(
      pixels,
      slot,
      resizeRgbLikePil({ width: f.width, height: f.height, data: f.rgb }, { width: S, height: S }),
    );
  };
  for (const [i, f] of fast.entries()) write(f.frameIndex, i);
  for (const [i, k] of slow.entries()) write(k.frameIndex, fast.length + i);
  const maskFrames = uniformFrameIndices(
    truth.frameCount,
    Math.min(sampling.maskFrames, truth.frameCount),
  ).map((frameIndex) => {
    const f = frameAt(frameIndex);
    return { frameIndex, timeSeconds: frameIndex / truth.fps, rgb: f.rgb, mask: f.mainMask };
  });
  return {
    videoId,
    path: timing.path,
    truth,
    scenario,
    width: truth.width,
    height: truth.height,
    timeline,
    slowKeyframes: slow,
    mllmPixels: pixels.data,
    maskFrames,
    items: split.itemsByVideo.get(videoId) ?? [],
  };
}

/**
 * Decodes one video in a single pass into the fast/slow MLLM tensors and the mask-loss frames, using
 * the same sampler and resize as inference (slowfast's plan + video-io's Pillow-exact bicubic).
 */
export async function prepareVideo(
  split: SynthSplitIndex,
  videoId: string,
  sampling: FrameSampling,
  source: VideoSource = new FfmpegVideoSource(),
): Promise<PreparedVideo> {
  const truthPath = join(split.dir, 'truth', `${videoId}.json`);
  const truth = JSON.parse(await readFile(truthPath, 'utf8')) as TruthFile;
  const path = join(split.dir, 'videos', `${videoId}.mp4`);
  const info = await source.probe(path);
  if (info.frameCount !== truth.frameCount) {
    throw new TrainingDataError(path, `has ${info.frameCount} frames but its truth says ${truth.frameCount}`);
  }
  const { timeline, fast, slow } = planFrames(info, sampling);
  const S = sampling.mllmSize;
  const pixels = allocateImageTensor(fast.length + slow.length, S, S);
  const slots = new Map<number, number[]>();
  const addSlot = (frameIndex: number, slot: number) =>
    slots.set(frameIndex, [...(slots.get(frameIndex) ?? []), slot]);
  for (const [i, f] of fast.entries()) addSlot(f.frameIndex, i);
  for (const [i, k] of slow.entries()) addSlot(k.frameIndex, fast.length + i);
  const maskIndices = uniformFrameIndices(info.frameCount, Math.min(sampling.maskFrames, info.frameCount));
  const rgbByIndex = new Map<number, Uint8Array>();
  for await (const frame of source.decode(info, {
    outputs: [
      { name: 'mllm', frameIndices: [...slots.keys()], size: { width: S, height: S }, resize: 'pil-bicubic' },
      { name: 'mask', frameIndices: maskIndices },
    ],
  })) {
    if (frame.output === 'mllm') {
      for (const slot of slots.get(frame.frameIndex) ?? []) writeNormalisedFrame(pixels, slot, frame);
    } else {
      rgbByIndex.set(frame.frameIndex, frame.data);
    }
  }
  const maskFrames = maskIndices.map((frameIndex) => {
    const rgb = rgbByIndex.get(frameIndex);
    const rle = truth.masks[frameIndex];
    if (!rgb || !rle) throw new TrainingDataError(path, `frame ${frameIndex} was not decoded or has no mask`);
    const mask = decodeRle(rle, truthPath, frameIndex);
    const timeSeconds =
      (info.framePts[frameIndex]! - info.framePts[0]!) *
      (info.timeBase.numerator / info.timeBase.denominator);
    return { frameIndex, timeSeconds, rgb, mask: mask.data };
  });
  return {
    videoId,
    path,
    truth,
    scenario: generateScenario(truth.seed, undefined, videoId),
    width: info.width,
    height: info.height,
    timeline,
    slowKeyframes: slow,
    mllmPixels: pixels.data,
    maskFrames,
    items: split.itemsByVideo.get(videoId) ?? [],
  };
}

const CACHE_VERSION = 1;

/** Where `prepareVideoCached` keeps a split's decoded videos for one sampling (a hash of it). */
export function preparedCacheDir(
  split: SynthSplitIndex,
  sampling: FrameSampling,
  frames: 'render' | 'decode',
): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ CACHE_VERSION, sampling, frames }))
    .digest('hex')
    .slice(0, 12);
  return join(split.dir, '.prepared', key);
}

/**
 * `prepareVideo` through a disk cache beside the split (decoding is the slow part of a run start, and
 * ablation runs share it). The cache is keyed by the sampling; entries are written atomically.
 */
export async function prepareVideoCached(
  split: SynthSplitIndex,
  videoId: string,
  sampling: FrameSampling,
  source?: VideoSource | 'render',
): Promise<PreparedVideo> {
  const dir = preparedCacheDir(split, sampling, source === 'render' ? 'render' : 'decode');
  const path = join(dir, `${videoId}.bin`);
  try {
    return decodePrepared(await readFile(path), split, videoId);
  } catch {
    const video =
      source === 'render'
        ? await renderVideo(split, videoId, sampling)
        : await prepareVideo(split, videoId, sampling, source);
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, encodePrepared(video));
    await rename(tmp, path);
    return video;
  }
}

interface PreparedMeta {
  readonly videoId: string;
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly timeline: { frames: SampledFrame[]; videoEndSeconds: number } | null;
  readonly slowKeyframes: readonly SlowKeyframe[];
  readonly maskFrames: readonly { frameIndex: number; timeSeconds: number }[];
  readonly pixelCount: number;
  readonly frameBytes: number;
}

/** [u32 meta length][meta JSON][f32 pixels][per mask frame: rgb bytes, mask bytes]. */
function encodePrepared(video: PreparedVideo): Buffer {
  const meta: PreparedMeta = {
    videoId: video.videoId,
    path: video.path,
    width: video.width,
    height: video.height,
    timeline: video.timeline
      ? {
          frames: video.timeline.frames.map((f) => ({ ...f })),
          videoEndSeconds: video.timeline.videoEndSeconds,
        }
      : null,
    slowKeyframes: video.slowKeyframes,
    maskFrames: video.maskFrames.map((f) => ({ frameIndex: f.frameIndex, timeSeconds: f.timeSeconds })),
    pixelCount: video.mllmPixels.length,
    frameBytes: video.width * video.height,
  };
  const metaBytes = Buffer.from(JSON.stringify(meta));
  const header = Buffer.alloc(4);
  header.writeUInt32LE(metaBytes.length);
  const pad = Buffer.alloc((4 - ((4 + metaBytes.length) % 4)) % 4);
  return Buffer.concat([
    header,
    metaBytes,
    pad,
    Buffer.from(video.mllmPixels.buffer, video.mllmPixels.byteOffset, video.mllmPixels.byteLength),
    ...video.maskFrames.flatMap((f) => [Buffer.from(f.rgb), Buffer.from(f.mask)]),
  ]);
}

async function decodePrepared(
  bytes: Buffer,
  split: SynthSplitIndex,
  videoId: string,
): Promise<PreparedVideo> {
  const metaLength = bytes.readUInt32LE(0);
  const meta = JSON.parse(bytes.subarray(4, 4 + metaLength).toString('utf8')) as PreparedMeta;
  let offset = 4 + metaLength;
  offset += (4 - (offset % 4)) % 4;
  const mllmPixels = new Float32Array(meta.pixelCount);
  new Uint8Array(mllmPixels.buffer).set(bytes.subarray(offset, offset + meta.pixelCount * 4));
  offset += meta.pixelCount * 4;
  const maskFrames = meta.maskFrames.map((f) => {
    const rgb = Uint8Array.from(bytes.subarray(offset, offset + meta.frameBytes * 3));
    offset += meta.frameBytes * 3;
    const mask = Uint8Array.from(bytes.subarray(offset, offset + meta.frameBytes));
    offset += meta.frameBytes;
    return { ...f, rgb, mask };
  });
  if (offset !== bytes.length)
    throw new TrainingDataError(`${videoId} (cache)`, 'has a size that does not match its header');
  const truth = JSON.parse(await readFile(join(split.dir, 'truth', `${videoId}.json`), 'utf8')) as TruthFile;
  return {
    videoId,
    path: meta.path,
    truth,
    scenario: generateScenario(truth.seed, undefined, videoId),
    width: meta.width,
    height: meta.height,
    timeline: meta.timeline ? new FrameTimeline(meta.timeline.frames, meta.timeline.videoEndSeconds) : null,
    slowKeyframes: meta.slowKeyframes,
    mllmPixels,
    maskFrames,
    items: split.itemsByVideo.get(videoId) ?? [],
  };
}
