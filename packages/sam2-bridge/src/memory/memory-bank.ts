import { MemoryBankError } from '../errors/memory-bank-error.js';

/** Which way a propagation pass walks the video. */
export type TrackDirection = 'forward' | 'reverse';

/** SAM2's memory selection knobs (reference §3.7), SAM2 defaults when left out. */
export interface MemoryBankOptions {
  /** Frames in the decoded video (T). Pointer offsets are normalised by `min(T, maxObjPtrs) - 1`. */
  readonly numFrames: number;
  /** `num_maskmem`: 1 slot for keyframes + (numMaskmem - 1) recent tracked frames. @defaultValue 7 */
  readonly numMaskmem?: number;
  /** `max_obj_ptrs_in_encoder`, capped at T. @defaultValue 16 */
  readonly maxObjPtrs?: number;
  /** `max_cond_frames_in_attn`: -1 uses every keyframe as a spatial memory. @defaultValue -1 */
  readonly maxCondFramesInAttn?: number;
  /** `memory_temporal_stride_for_eval`. @defaultValue 1 */
  readonly memoryTemporalStride?: number;
}

/** One spatial memory chosen for the current frame. */
export interface SpatialMemoryPick<M> {
  readonly frameIndex: number;
  /** Index into `maskmem_tpos_enc` (0..numMaskmem-1): keyframes get numMaskmem-1, frame f∓1 gets 0. */
  readonly temporalIndex: number;
  readonly isKeyframe: boolean;
  readonly memory: M;
}

/** One object pointer chosen for the current frame. */
export interface PointerPick<M> {
  readonly frameIndex: number;
  /** Signed frame distance as SAM2 encodes it: `f - c` forward, `c - f` in reverse; tracked frames use d > 0. */
  readonly offset: number;
  /** `offset / (min(T, maxObjPtrs) - 1)`: the `obj_ptr_tpos` value fed to memory attention. */
  readonly normalizedOffset: number;
  readonly isKeyframe: boolean;
  readonly memory: M;
}

/** Everything memory attention needs for one tracked frame, in SAM2's order. */
export interface MemorySelection<M> {
  readonly frameIndex: number;
  readonly direction: TrackDirection;
  /** Keyframes first (ascending frameIndex), then tracked frames from farthest to nearest. */
  readonly spatial: readonly SpatialMemoryPick<M>[];
  /** Keyframes on the past side first (ascending frameIndex), then tracked frames by distance 1, 2, ... */
  readonly pointers: readonly PointerPick<M>[];
}

/** A pass that has still to run: it will visit `fromFrameIndex` and the frames beyond it in `direction`. */
export interface UpcomingPass {
  readonly direction: TrackDirection;
  readonly fromFrameIndex: number;
}

/**
 * SAM2's memory bank bookkeeping (reference §3.7), free of any runtime: it stores one payload per
 * frame (`M` is whatever the caller keeps: memory features + object pointer, or a label in tests),
 * answers which memories and pointers a frame attends to, and drops what no upcoming pass can select
 * so that long videos run in bounded memory.
 */
export class MemoryBank<M> {
  readonly numFrames: number;
  readonly numMaskmem: number;
  /** `min(T, maxObjPtrs)`, the official cap. */
  readonly maxObjPtrs: number;
  readonly maxCondFramesInAttn: number;
  readonly memoryTemporalStride: number;
  private readonly keyframes = new Map<number, M>();
  private readonly tracked = new Map<number, M>();

  constructor(options: MemoryBankOptions) {
    const { numFrames } = options;
    if (!Number.isInteger(numFrames) || numFrames < 1) {
      throw new MemoryBankError(-1, 'numFrames a positive integer', String(numFrames));
    }
    this.numFrames = numFrames;
    this.numMaskmem = options.numMaskmem ?? 7;
    this.maxObjPtrs = Math.min(numFrames, options.maxObjPtrs ?? 16);
    this.maxCondFramesInAttn = options.maxCondFramesInAttn ?? -1;
    this.memoryTemporalStride = options.memoryTemporalStride ?? 1;
  }

  /** How far (in frames) a tracked frame can reach back for a memory or pointer. */
  get reach(): number {
    return Math.max(this.maxObjPtrs - 1, (this.numMaskmem - 1) * this.memoryTemporalStride + 1);
  }

  /** Frames currently stored (keyframes + tracked), for memory accounting. */
  get size(): number {
    return this.keyframes.size + this.tracked.size;
  }

  get keyframeIndices(): number[] {
    return [...this.keyframes.keys()].sort((a, b) => a - b);
  }

  get trackedIndices(): number[] {
    return [...this.tracked.keys()].sort((a, b) => a - b);
  }

  isKeyframe(frameIndex: number): boolean {
    return this.keyframes.has(frameIndex);
  }

  /** Stores a prompted keyframe's memory. Keyframes are never dropped. */
  addKeyframe(frameIndex: number, memory: M): void {
    this.checkNew(frameIndex);
    this.keyframes.set(frameIndex, memory);
  }

  /** Stores a tracked (propagated) frame's memory. */
  addTracked(frameIndex: number, memory: M): void {
    this.checkNew(frameIndex);
    this.tracked.set(frameIndex, memory);
  }

  /** The memories and pointers frame `frameIndex` attends to when reached by a pass in `direction`. */
  select(frameIndex: number, direction: TrackDirection): MemorySelection<M> {
    this.checkRange(frameIndex);
    if (this.keyframes.has(frameIndex)) {
      throw new MemoryBankError(
        frameIndex,
        'a frame that is not a keyframe (keyframes use no memory)',
        'a keyframe',
      );
    }
    if (this.keyframes.size === 0) {
      throw new MemoryBankError(frameIndex, 'at least one keyframe stored before tracking', 'no keyframes');
    }
    const sign = direction === 'forward' ? 1 : -1;
    const { selected, unselected } = this.selectKeyframes(frameIndex);
    // A frame's earlier output: tracked frames first, then keyframes left out of attention (as SAM2).
    const previous = (t: number): M | undefined => this.tracked.get(t) ?? unselected.get(t);

    const spatial: SpatialMemoryPick<M>[] = selected.map((t) => ({
      frameIndex: t,
      temporalIndex: this.numMaskmem - 1,
      isKeyframe: true,
      memory: this.keyframes.get(t) as M,
    }));
    const r = this.memoryTemporalStride;
    for (let tPos = 1; tPos < this.numMaskmem; tPos++) {
      const tRel = this.numMaskmem - tPos;
      let t: number;
      if (tRel === 1) t = frameIndex - sign * tRel;
      else if (direction === 'forward') t = Math.floor((frameIndex - 2) / r) * r - (tRel - 2) * r;
      else t = -Math.floor(-(frameIndex + 2) / r) * r + (tRel - 2) * r;
      const memory = previous(t);
      if (memory === undefined) continue;
      spatial.push({ frameIndex: t, temporalIndex: this.numMaskmem - tPos - 1, isKeyframe: false, memory });
    }

    const tDiffMax = this.maxObjPtrs - 1;
    const normalize = (offset: number): number => (tDiffMax > 0 ? offset / tDiffMax : 0);
    const pointers: PointerPick<M>[] = [];
    for (const c of selected) {
      const past = direction === 'forward' ? c <= frameIndex : c >= frameIndex;
      if (!past) continue;
      const offset = (frameIndex - c) * sign;
      pointers.push({
        frameIndex: c,
        offset,
        normalizedOffset: normalize(offset),
        isKeyframe: true,
        memory: this.keyframes.get(c) as M,
      });
    }
    for (let d = 1; d < this.maxObjPtrs; d++) {
      const t = frameIndex - sign * d;
      if (t < 0 || t >= this.numFrames) break;
      const memory = previous(t);
      if (memory === undefined) continue;
      pointers.push({ frameIndex: t, offset: d, normalizedOffset: normalize(d), isKeyframe: false, memory });
    }
    return { frameIndex, direction, spatial, pointers };
  }

  /**
   * Drops every tracked memory that none of `upcoming` can select any more. Call it after each
   * tracked frame with the rest of the current pass and the passes still to come: for the usual
   * schedule that is `[{forward, f + 1}, {reverse, firstKeyframe - 1}]` during the forward pass.
   * Returns the frame indices dropped.
   */
  prune(upcoming: readonly UpcomingPass[]): number[] {
    const reach = this.reach;
    const dropped: number[] = [];
    for (const t of this.tracked.keys()) {
      const selectable = upcoming.some((pass) =>
        pass.direction === 'forward' ? t >= pass.fromFrameIndex - reach : t <= pass.fromFrameIndex + reach,
      );
      if (!selectable) dropped.push(t);
    }
    for (const t of dropped) this.tracked.delete(t);
    return dropped;
  }

  /** SAM2's `select_closest_cond_frames`: all keyframes, or the closest before/after then the nearest. */
  private selectKeyframes(frameIndex: number): { selected: number[]; unselected: Map<number, M> } {
    const all = this.keyframeIndices;
    const max = this.maxCondFramesInAttn;
    if (max === -1 || all.length <= max) return { selected: all, unselected: new Map() };
    const chosen = new Set<number>();
    const before = all.filter((t) => t < frameIndex).at(-1);
    const after = all.find((t) => t >= frameIndex);
    if (before !== undefined) chosen.add(before);
    if (after !== undefined) chosen.add(after);
    const remaining = all
      .filter((t) => !chosen.has(t))
      .sort((a, b) => Math.abs(a - frameIndex) - Math.abs(b - frameIndex))
      .slice(0, Math.max(0, max - chosen.size));
    for (const t of remaining) chosen.add(t);
    const unselected = new Map<number, M>();
    for (const t of all) if (!chosen.has(t)) unselected.set(t, this.keyframes.get(t) as M);
    return { selected: all.filter((t) => chosen.has(t)), unselected };
  }

  private checkRange(frameIndex: number): void {
    if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= this.numFrames) {
      throw new MemoryBankError(
        frameIndex,
        `a frame index in [0, ${this.numFrames - 1}]`,
        String(frameIndex),
      );
    }
  }

  private checkNew(frameIndex: number): void {
    this.checkRange(frameIndex);
    if (this.keyframes.has(frameIndex) || this.tracked.has(frameIndex)) {
      throw new MemoryBankError(frameIndex, 'a frame not stored yet', 'a frame already in the bank');
    }
  }
}

/** The frame order of SAM2's video schedule: forward from the first keyframe, then reverse to frame 0. */
export interface TrackSchedule {
  /** Keyframes, ascending; conditioned with the prompt before any tracking. */
  readonly keyframes: readonly number[];
  /** Tracked frames of the forward pass, ascending (first keyframe + 1 .. T - 1, keyframes skipped). */
  readonly forward: readonly number[];
  /** Tracked frames of the reverse pass, descending (first keyframe - 1 .. 0). */
  readonly reverse: readonly number[];
}

/** Plans the keyframe → forward → reverse order of reference §3.8. */
export function planSchedule(numFrames: number, keyframes: readonly number[]): TrackSchedule {
  const sorted = [...new Set(keyframes)].sort((a, b) => a - b);
  const first = sorted[0];
  if (first === undefined) throw new MemoryBankError(-1, 'at least one keyframe', 'none');
  const last = sorted.at(-1) as number;
  if (first < 0 || last >= numFrames || !sorted.every(Number.isInteger)) {
    throw new MemoryBankError(last, `keyframes in [0, ${numFrames - 1}]`, `[${sorted.join(', ')}]`);
  }
  const isKey = new Set(sorted);
  const forward: number[] = [];
  for (let f = first + 1; f < numFrames; f++) if (!isKey.has(f)) forward.push(f);
  const reverse: number[] = [];
  for (let f = first - 1; f >= 0; f--) reverse.push(f);
  return { keyframes: sorted, forward, reverse };
}
