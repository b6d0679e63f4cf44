import { FrameSelectionError } from './errors/index.js';
import { type Rational, rationalToNumber, ticksToRational } from './rational.js';
import type { VideoInfo } from './video-source.js';

/** Exact presentation time of a frame (pts x time_base). */
export function framePts(info: VideoInfo, frameIndex: number): Rational {
  const ticks = info.framePts[frameIndex];
  if (ticks === undefined || !Number.isInteger(frameIndex)) {
    throw new FrameSelectionError(
      info.path,
      frameIndex,
      `an integer frame index in 0..${info.frameCount - 1}`,
    );
  }
  return ticksToRational(ticks, info.timeBase);
}

/** Presentation time of a frame in seconds. */
export function frameTimeSeconds(info: VideoInfo, frameIndex: number): number {
  return rationalToNumber(framePts(info, frameIndex));
}

/**
 * The frame shown at `timeSeconds`: the last frame whose pts is <= the time (times before the first
 * frame give frame 0). Times outside [0, duration] are rejected.
 */
export function frameIndexAtSeconds(info: VideoInfo, timeSeconds: number): number {
  const firstSeconds = (info.framePts[0]! * info.timeBase.numerator) / info.timeBase.denominator;
  if (!(timeSeconds >= 0 && timeSeconds <= firstSeconds + info.durationSeconds)) {
    throw new FrameSelectionError(
      info.path,
      timeSeconds,
      `a time in seconds within [0, ${info.durationSeconds}]`,
    );
  }
  // Compare in ticks; the half-tick slack absorbs the rounding of a decimal time like 9.976633.
  const ticks = (timeSeconds * info.timeBase.denominator) / info.timeBase.numerator + 1e-6;
  let lo = 0;
  let hi = info.frameCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (info.framePts[mid]! <= ticks) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
