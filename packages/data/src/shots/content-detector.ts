import { DataConfigError } from '../errors/config-error.js';
import type { HsvPlanes } from './hsv.js';

/** How cuts closer together than the minimum scene length are handled (PySceneDetect's FlashFilter modes). */
export type FlashFilterMode = 'merge' | 'suppress';

/** Options of {@link ContentDetector}; defaults are PySceneDetect's. */
export interface ContentDetectorOptions {
  /** Score (mean HSV difference, 0..255) a frame must reach to start a new scene. @defaultValue 27 */
  readonly threshold?: number;
  /** Frames that must pass after a cut before the next one. @defaultValue 15 */
  readonly minSceneLength?: number;
  /** Weights of the hue, saturation and value deltas. @defaultValue { hue: 1, sat: 1, val: 1 } */
  readonly weights?: { readonly hue: number; readonly sat: number; readonly val: number };
  /** @defaultValue 'merge' */
  readonly filterMode?: FlashFilterMode;
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d < 0 ? -d : d;
  }
  return sum / a.length;
}

/**
 * A re-implementation of PySceneDetect's ContentDetector: each frame's score is the weighted mean of
 * the mean absolute differences of its H, S and V planes against the previous frame; a score at or
 * above the threshold is a cut candidate, and the flash filter enforces the minimum scene length.
 * A cut is reported as the index of the first frame of the new scene.
 */
export class ContentDetector {
  readonly threshold: number;
  readonly minSceneLength: number;
  readonly filterMode: FlashFilterMode;
  private readonly weights: { hue: number; sat: number; val: number };
  private previous: HsvPlanes | undefined;
  private lastAbove: number | undefined;
  private mergeEnabled = false;
  private mergeTriggered = false;
  private mergeStart = 0;

  constructor(options: ContentDetectorOptions = {}) {
    this.threshold = options.threshold ?? 27;
    this.minSceneLength = options.minSceneLength ?? 15;
    this.filterMode = options.filterMode ?? 'merge';
    this.weights = { ...(options.weights ?? { hue: 1, sat: 1, val: 1 }) };
    if (!(this.threshold > 0)) throw new DataConfigError('contentThreshold', 'a number > 0', this.threshold);
    if (!Number.isInteger(this.minSceneLength) || this.minSceneLength < 0)
      throw new DataConfigError('minSceneLength', 'an integer >= 0 (frames)', this.minSceneLength);
    const w = this.weights;
    if (!(Math.abs(w.hue) + Math.abs(w.sat) + Math.abs(w.val) > 0))
      throw new DataConfigError('weights', 'weights with a non-zero sum of magnitudes', w);
  }

  /** Score of `planes` against the previous frame (0 for the first frame); updates the previous frame. */
  score(planes: HsvPlanes): number {
    const prev = this.previous;
    this.previous = planes;
    if (!prev) return 0;
    const w = this.weights;
    const total = Math.abs(w.hue) + Math.abs(w.sat) + Math.abs(w.val);
    let s = 0;
    if (w.hue !== 0) s += w.hue * meanAbsDiff(planes.hue, prev.hue);
    if (w.sat !== 0) s += w.sat * meanAbsDiff(planes.sat, prev.sat);
    if (w.val !== 0) s += w.val * meanAbsDiff(planes.val, prev.val);
    return s / total;
  }

  /** Feeds frame `frameIndex` (consecutive indices); returns the cuts this frame confirms (0 or 1). */
  process(frameIndex: number, planes: HsvPlanes): { score: number; cuts: number[] } {
    const score = this.score(planes);
    return { score, cuts: this.filter(frameIndex, score >= this.threshold) };
  }

  private filter(frameIndex: number, above: boolean): number[] {
    if (this.minSceneLength <= 0) return above ? [frameIndex] : [];
    if (this.lastAbove === undefined) this.lastAbove = frameIndex;
    const lengthMet = frameIndex - this.lastAbove >= this.minSceneLength;
    if (this.filterMode === 'suppress') {
      if (!(above && lengthMet)) return [];
      this.lastAbove = frameIndex;
      return [frameIndex];
    }
    // Merge: a burst of above-threshold frames (a flash, a fast sequence of cuts) becomes one cut at
    // its last frame once the scores have stayed low for the minimum length.
    if (above) this.lastAbove = frameIndex;
    if (this.mergeTriggered) {
      if (lengthMet && !above && this.lastAbove - this.mergeStart >= this.minSceneLength) {
        this.mergeTriggered = false;
        return [this.lastAbove];
      }
      return [];
    }
    if (!above) return [];
    if (lengthMet) {
      this.mergeEnabled = true;
      return [frameIndex];
    }
    if (this.mergeEnabled) {
      this.mergeTriggered = true;
      this.mergeStart = frameIndex;
    }
    return [];
  }
}
