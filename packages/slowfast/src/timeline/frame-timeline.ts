/**
 * The one map between the three ways VideoLoom names a moment of a video:
 * - `frameIndex`: position of a frame in the decoded video (0-based);
 * - `frameId`: the number the LLM reads and writes, the position in the *sampled* list (0..Nf-1);
 * - `timeSeconds`: presentation time of the frame, from its exact pts.
 *
 * Span convention: sampled frame j stands for the interval [t_j, t_{j+1}) (the last one for
 * [t_last, videoEnd)). An answer "from A to B" therefore covers [t_A, t_{B+1}): inclusive of frame B's
 * whole interval. Why: with uniform sampling every sampled frame represents the same share of the
 * video, a one-frame answer ("from 5 to 5") keeps a non-zero length, and converting a ground-truth
 * span to ids and back loses at most one sampled interval at each end instead of shrinking spans.
 */

/** An exact rational time: `numerator / denominator` seconds (e.g. pts x time_base). */
export interface RationalTime {
  readonly numerator: number;
  readonly denominator: number;
}

/** One sampled frame. */
export interface SampledFrame {
  /** Position in the sampled list; the number shown to and produced by the LLM. */
  readonly frameId: number;
  /** Position in the decoded video. */
  readonly frameIndex: number;
  /** Presentation time in seconds (as a number). */
  readonly timeSeconds: number;
  /** The exact presentation time, when the decoder knows it. */
  readonly pts?: RationalTime;
}

/** A span in seconds, [startSeconds, endSeconds). */
export interface SecondsSpan {
  readonly startSeconds: number;
  readonly endSeconds: number;
}

/** A span of frame ids, inclusive at both ends, as the model writes it ("from A to B"). */
export interface FrameIdSpan {
  readonly startFrameId: number;
  readonly endFrameId: number;
}

const VIDEOLOOM_ERROR: unique symbol = Symbol.for('videoloom.error') as never;

/** Frames that cannot form a timeline (empty, ids out of order, times not increasing). */
export class FrameTimelineError extends Error {
  readonly [VIDEOLOOM_ERROR] = true;
  override readonly name = 'VL_FrameTimelineError' as const;
}

/** The sampled frames of one video with conversions between frame ids, frame indices and seconds. */
export class FrameTimeline {
  readonly frames: readonly SampledFrame[];

  /**
   * @param frames sampled frames in frame-id order (frameId must equal the array position, times increasing)
   * @param videoEndSeconds end of the video stream (duration of the video stream, not the container)
   */
  constructor(
    frames: readonly SampledFrame[],
    readonly videoEndSeconds: number,
  ) {
    if (frames.length === 0) throw new FrameTimelineError('FrameTimeline needs at least one sampled frame.');
    frames.forEach((f, i) => {
      if (f.frameId !== i)
        throw new FrameTimelineError(`frames[${i}].frameId is ${f.frameId}; expected ${i}.`);
      if (i > 0 && !(f.timeSeconds > frames[i - 1]!.timeSeconds)) {
        throw new FrameTimelineError(
          `frames[${i}].timeSeconds ${f.timeSeconds} is not after frames[${i - 1}] (${frames[i - 1]!.timeSeconds}).`,
        );
      }
    });
    if (!(videoEndSeconds > frames[frames.length - 1]!.timeSeconds)) {
      throw new FrameTimelineError(
        `videoEndSeconds ${videoEndSeconds} must be after the last sampled frame (${frames[frames.length - 1]!.timeSeconds}).`,
      );
    }
    this.frames = frames;
  }

  get length(): number {
    return this.frames.length;
  }

  /** Clamps an id the model produced into 0..Nf-1 (ids out of range are a parser concern; this never throws). */
  clampFrameId(frameId: number): number {
    return Math.min(Math.max(Math.round(frameId), 0), this.frames.length - 1);
  }

  /** Start time of sampled frame `frameId`. */
  secondsOfFrameId(frameId: number): number {
    return this.frames[this.clampFrameId(frameId)]!.timeSeconds;
  }

  /** End of the interval sampled frame `frameId` stands for: the next sampled frame's time, or the video end. */
  intervalEndOfFrameId(frameId: number): number {
    const id = this.clampFrameId(frameId);
    return id + 1 < this.frames.length ? this.frames[id + 1]!.timeSeconds : this.videoEndSeconds;
  }

  /** The sampled frame whose interval contains `timeSeconds` (clamped to the video). */
  frameIdAtSeconds(timeSeconds: number): number {
    let lo = 0;
    let hi = this.frames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.frames[mid]!.timeSeconds <= timeSeconds) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** "from A to B" -> [t_A, t_{B+1}). Reversed ids are swapped. */
  secondsOfFrameIdSpan(span: FrameIdSpan): SecondsSpan {
    const a = Math.min(span.startFrameId, span.endFrameId);
    const b = Math.max(span.startFrameId, span.endFrameId);
    return { startSeconds: this.secondsOfFrameId(a), endSeconds: this.intervalEndOfFrameId(b) };
  }

  /** A span in seconds -> the ids whose intervals it touches (the training target for "from A to B"). */
  frameIdSpanOfSeconds(span: SecondsSpan): FrameIdSpan {
    const startFrameId = this.frameIdAtSeconds(span.startSeconds);
    // An end exactly on a frame boundary belongs to the previous interval (the span is half-open).
    let endFrameId = this.frameIdAtSeconds(span.endSeconds);
    if (endFrameId > startFrameId && this.frames[endFrameId]!.timeSeconds >= span.endSeconds) endFrameId--;
    return { startFrameId, endFrameId };
  }
}
