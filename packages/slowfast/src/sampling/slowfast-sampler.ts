import type { VideoInfo } from '@videoloom/video-io';
import {
  FrameTimeline,
  type RationalTime,
  type SampledFrame,
  type SecondsSpan,
} from '../timeline/frame-timeline.js';
import { SamplingPolicyError } from './sampling-error.js';
import {
  type FastFramePolicy,
  MAX_FAST_FRAMES,
  resolveFastFramePolicy,
  type SamplingPresetName,
  uniformFrameIndices,
} from './sampling-policy.js';

/**
 * What the sampler needs to know about a video: the probe's timing (video-io's VideoInfo satisfies it).
 * Times are measured from the first video frame (pts - first pts), which is what players show and what
 * dataset annotations use; for files whose first pts is 0 they equal pts x time base.
 */
export type VideoTiming = Pick<
  VideoInfo,
  'path' | 'frameCount' | 'framePts' | 'timeBase' | 'duration' | 'durationSeconds'
>;

/** One slow keyframe: a full-resolution (256-token) frame for the MLLM, and a SAM2 keyframe. */
export interface SlowKeyframe {
  /** Position among the slow frames (0..Ns-1): S1..S5 in the paper are keyframeIds 0..4. */
  readonly keyframeId: number;
  readonly frameIndex: number;
  readonly timeSeconds: number;
  readonly pts: RationalTime;
}

export interface SlowFastSamplingOptions {
  /**
   * Fast frame policy or dataset preset.
   * @defaultValue 'default' (128 uniform frames)
   */
  readonly fast?: FastFramePolicy | SamplingPresetName;
  /**
   * Number of slow keyframes.
   * @defaultValue 5
   */
  readonly slowCount?: number;
  /**
   * Where the slow keyframes go: the whole video, or a span (e.g. the predicted "when" of a combined
   * question), [startSeconds, endSeconds).
   * @defaultValue the whole video
   */
  readonly slowSpan?: SecondsSpan;
}

/** The frames one SlowFast input uses. */
export interface SlowFastSample {
  /** Fast frames: frame ids 0..Nf-1 <-> frame indices <-> seconds. */
  readonly timeline: FrameTimeline;
  readonly slowKeyframes: readonly SlowKeyframe[];
  /** The fast policy actually applied (after preset lookup and the 'rate' fallback). */
  readonly fastPolicy: FastFramePolicy;
}

function relativeTime(video: VideoTiming, frameIndex: number): { pts: RationalTime; timeSeconds: number } {
  const ticks = video.framePts[frameIndex]! - video.framePts[0]!;
  const pts = { numerator: ticks * video.timeBase.numerator, denominator: video.timeBase.denominator };
  return { pts, timeSeconds: pts.numerator / pts.denominator };
}

/** Frame on screen at `timeSeconds` (from the first frame): the last frame whose time is <= it. */
function frameIndexAt(video: VideoTiming, timeSeconds: number): number {
  const ticks =
    video.framePts[0]! + (timeSeconds * video.timeBase.denominator) / video.timeBase.numerator + 1e-6;
  let lo = 0;
  let hi = video.frameCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (video.framePts[mid]! <= ticks) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function checkTiming(video: VideoTiming): void {
  if (
    !Number.isInteger(video.frameCount) ||
    video.frameCount < 1 ||
    video.framePts.length !== video.frameCount
  ) {
    throw new SamplingPolicyError(
      video.path,
      'a video with at least one frame and one pts per frame',
      `${video.frameCount} frames, ${video.framePts.length} pts`,
    );
  }
}

/** Chooses the fast frame indices of a video. */
export function fastFrameIndices(
  video: VideoTiming,
  policy: FastFramePolicy | SamplingPresetName,
): {
  readonly frameIndices: readonly number[];
  readonly appliedPolicy: FastFramePolicy;
} {
  checkTiming(video);
  const resolved = resolveFastFramePolicy(policy, video.path);
  if (resolved.kind === 'uniform') {
    return {
      frameIndices: uniformFrameIndices(video.frameCount, resolved.frameCount),
      appliedPolicy: resolved,
    };
  }
  const max = resolved.maxFrames ?? MAX_FAST_FRAMES;
  const count = Math.ceil(video.durationSeconds * resolved.framesPerSecond - 1e-9);
  if (count > max) {
    const fallback: FastFramePolicy = { kind: 'uniform', frameCount: max };
    return { frameIndices: uniformFrameIndices(video.frameCount, max), appliedPolicy: fallback };
  }
  const indices: number[] = [];
  for (let j = 0; j < Math.max(1, count); j++) {
    const index = frameIndexAt(video, j / resolved.framesPerSecond);
    // A video slower than the sampling rate shows the same frame twice: keep it once.
    if (indices.at(-1) !== index) indices.push(index);
  }
  return { frameIndices: indices, appliedPolicy: resolved };
}

/**
 * Slow keyframes: `count` frames at the centres of `count` equal parts of the span's frames
 * (`a + floor((2k + 1)(b - a) / 2count)` over the frame indices [a, b) whose times lie in the span),
 * so they avoid the span's very first and last frames; all frames when the span has fewer.
 */
export function slowKeyframes(video: VideoTiming, count = 5, span?: SecondsSpan): SlowKeyframe[] {
  checkTiming(video);
  if (!Number.isInteger(count) || count < 1)
    throw new SamplingPolicyError(video.path, 'slowCount >= 1', String(count));
  let first = 0;
  let end = video.frameCount;
  if (span) {
    const { startSeconds, endSeconds } = span;
    if (!(startSeconds >= 0 && endSeconds > startSeconds && startSeconds < video.durationSeconds)) {
      throw new SamplingPolicyError(
        video.path,
        `a span with 0 <= start < end and start < ${video.durationSeconds} s`,
        `[${startSeconds}, ${endSeconds})`,
      );
    }
    first = frameIndexAt(video, startSeconds);
    // Frames strictly before endSeconds; the frame on screen at the start counts even if it began earlier.
    end = Math.max(first + 1, Math.min(video.frameCount, frameIndexAt(video, endSeconds) + 1));
    if (relativeTime(video, end - 1).timeSeconds >= endSeconds && end - 1 > first) end--;
  }
  const available = end - first;
  const indices =
    available <= count
      ? Array.from({ length: available }, (_, k) => first + k)
      : Array.from({ length: count }, (_, k) => first + Math.floor(((2 * k + 1) * available) / (2 * count)));
  return indices.map((frameIndex, keyframeId) => ({
    keyframeId,
    frameIndex,
    ...relativeTime(video, frameIndex),
  }));
}

/** Plans the fast frames (as a FrameTimeline) and the slow keyframes of one video. */
export function planSlowFastSample(
  video: VideoTiming,
  options: SlowFastSamplingOptions = {},
): SlowFastSample {
  const { frameIndices, appliedPolicy } = fastFrameIndices(video, options.fast ?? 'default');
  const frames: SampledFrame[] = frameIndices.map((frameIndex, frameId) => ({
    frameId,
    frameIndex,
    ...relativeTime(video, frameIndex),
  }));
  return {
    timeline: new FrameTimeline(frames, video.durationSeconds),
    slowKeyframes: slowKeyframes(video, options.slowCount ?? 5, options.slowSpan),
    fastPolicy: appliedPolicy,
  };
}
