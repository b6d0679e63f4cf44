import { describe, expect, it } from 'vitest';
import { MemoryBankError } from '../errors/memory-bank-error.js';
import { MemoryBank, type MemorySelection, planSchedule } from './memory-bank.js';

// Expected picks below are worked out by hand from SAM2's `_prepare_memory_conditioned_features`
// (reference §3.7), not produced by the code under test.

type Label = string;
const spatialOf = (s: MemorySelection<Label>) => s.spatial.map((p) => [p.frameIndex, p.temporalIndex]);
const pointersOf = (s: MemorySelection<Label>) => s.pointers.map((p) => [p.frameIndex, p.offset]);

function bankWith(numFrames: number, keyframes: number[], tracked: number[], opts = {}): MemoryBank<Label> {
  const bank = new MemoryBank<Label>({ numFrames, ...opts });
  for (const k of keyframes) bank.addKeyframe(k, `key${k}`);
  for (const t of tracked) bank.addTracked(t, `trk${t}`);
  return bank;
}

describe('MemoryBank selection (forward)', () => {
  it('uses keyframes before AND after the current frame as spatial memories, pointers only from the past', () => {
    const bank = bankWith(20, [5, 12], [6, 7, 8]);
    const s = bank.select(9, 'forward');
    expect(spatialOf(s)).toEqual([
      [5, 6],
      [12, 6],
      [6, 2],
      [7, 1],
      [8, 0],
    ]);
    expect(pointersOf(s)).toEqual([
      [5, 4],
      [8, 1],
      [7, 2],
      [6, 3],
    ]);
    expect(s.pointers[0]?.normalizedOffset).toBeCloseTo(4 / 15, 12);
    expect(s.spatial[0]?.memory).toBe('key5');
    expect(s.spatial[2]?.memory).toBe('trk6');
  });

  it('skips keyframes inside the recent window (they are not tracked outputs) and nothing is padded', () => {
    const bank = bankWith(20, [5, 12], [6, 7, 8, 9, 10, 11, 13, 14]);
    const s = bank.select(15, 'forward');
    expect(spatialOf(s)).toEqual([
      [5, 6],
      [12, 6],
      [9, 5],
      [10, 4],
      [11, 3],
      [13, 1],
      [14, 0],
    ]);
    expect(pointersOf(s)).toEqual([
      [5, 10],
      [12, 3],
      [14, 1],
      [13, 2],
      [11, 4],
      [10, 5],
      [9, 6],
      [8, 7],
      [7, 8],
      [6, 9],
    ]);
  });

  it('caps tracked pointers at min(T, 16) - 1 frames back', () => {
    const tracked = Array.from({ length: 39 }, (_, i) => i + 1);
    const bank = bankWith(60, [0], tracked);
    const s = bank.select(40, 'forward');
    const trackedPtrs = s.pointers.filter((p) => !p.isKeyframe).map((p) => p.frameIndex);
    expect(trackedPtrs).toEqual(Array.from({ length: 15 }, (_, i) => 39 - i));
    expect(s.pointers[0]).toMatchObject({ frameIndex: 0, offset: 40, isKeyframe: true });
    expect(s.pointers[0]?.normalizedOffset).toBeCloseTo(40 / 15, 12);
    expect(s.spatial.length).toBe(1 + 6);
  });

  it('on a short video normalises pointer offsets by T - 1 and reaches back T - 1 frames', () => {
    const bank = bankWith(8, [0], [1, 2, 3, 4, 5, 6]);
    const s = bank.select(7, 'forward');
    expect(bank.maxObjPtrs).toBe(8);
    expect(s.pointers.map((p) => p.frameIndex)).toEqual([0, 6, 5, 4, 3, 2, 1]);
    expect(s.pointers.at(-1)?.normalizedOffset).toBeCloseTo(6 / 7, 12);
  });

  it('with max_cond_frames_in_attn, keeps the closest keyframe before and after and treats the rest as ordinary memories', () => {
    const bank = bankWith(20, [0, 3, 9], [4], { maxCondFramesInAttn: 2 });
    const s = bank.select(5, 'forward');
    // Keyframe 0 is left out of the keyframe slot but is f-5, so it is a recent memory (t_pos 2 → index 4).
    expect(spatialOf(s)).toEqual([
      [3, 6],
      [9, 6],
      [0, 4],
      [4, 0],
    ]);
    expect(pointersOf(s)).toEqual([
      [3, 2],
      [4, 1],
      [0, 5],
    ]);
  });

  it('follows memory_temporal_stride_for_eval', () => {
    const tracked = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const bank = bankWith(30, [0], tracked, { memoryTemporalStride: 2 });
    const s = bank.select(10, 'forward');
    // t_rel 1 → f-1; t_rel 2..6 → floor((f-2)/2)*2 - (t_rel-2)*2 = 8, 6, 4, 2, 0 (0 is a keyframe: skipped).
    expect(spatialOf(s)).toEqual([
      [0, 6],
      [2, 4],
      [4, 3],
      [6, 2],
      [8, 1],
      [9, 0],
    ]);
  });
});

describe('MemoryBank selection (reverse)', () => {
  it('reads "+" for "-": memories after the frame, including the forward pass outputs', () => {
    const forwardOutputs = [6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19];
    const bank = bankWith(20, [5, 12], [...forwardOutputs, 4]);
    const s = bank.select(3, 'reverse');
    expect(spatialOf(s)).toEqual([
      [5, 6],
      [12, 6],
      [9, 5],
      [8, 4],
      [7, 3],
      [6, 2],
      [4, 0],
    ]);
    expect(pointersOf(s)).toEqual([
      [5, 2],
      [12, 9],
      [4, 1],
      [6, 3],
      [7, 4],
      [8, 5],
      [9, 6],
      [10, 7],
      [11, 8],
      [13, 10],
      [14, 11],
      [15, 12],
      [16, 13],
      [17, 14],
      [18, 15],
    ]);
  });

  it('takes only keyframes at or after the frame as pointers in reverse', () => {
    const bank = bankWith(30, [2, 10], []);
    const s = bank.select(6, 'reverse');
    expect(pointersOf(s)).toEqual([[10, 4]]);
    expect(spatialOf(s)).toEqual([
      [2, 6],
      [10, 6],
    ]);
  });
});

describe('MemoryBank bounded memory', () => {
  it('on a 2-hour video keeps a bounded set and pruning never changes what a frame selects', () => {
    const numFrames = 7200; // 2 h at 1 fps; the bound does not depend on T
    const keyframes = [1500, 2000, 4000, 6000, 7100];
    const schedule = planSchedule(numFrames, keyframes);
    const pruned = bankWith(numFrames, keyframes, []);
    const reference = bankWith(numFrames, keyframes, []);
    const first = schedule.keyframes[0] as number;
    let maxSize = 0;
    const visit = (
      f: number,
      direction: 'forward' | 'reverse',
      upcoming: Parameters<typeof pruned.prune>[0],
    ) => {
      const got = pruned.select(f, direction);
      const want = reference.select(f, direction);
      expect(spatialOf(got)).toEqual(spatialOf(want));
      expect(pointersOf(got)).toEqual(pointersOf(want));
      pruned.addTracked(f, `trk${f}`);
      reference.addTracked(f, `trk${f}`);
      pruned.prune(upcoming);
      maxSize = Math.max(maxSize, pruned.size);
    };
    for (const f of schedule.forward) {
      visit(f, 'forward', [
        { direction: 'forward', fromFrameIndex: f + 1 },
        { direction: 'reverse', fromFrameIndex: first - 1 },
      ]);
    }
    for (const f of schedule.reverse) visit(f, 'reverse', [{ direction: 'reverse', fromFrameIndex: f - 1 }]);
    // keyframes + the forward window + what the reverse pass will read just after the first keyframe
    expect(maxSize).toBeLessThanOrEqual(keyframes.length + 2 * pruned.reach + 2);
    expect(reference.size).toBe(numFrames);
  });
});

describe('MemoryBank errors', () => {
  it('refuses keyframes as tracked frames, out-of-range frames, duplicates and tracking with no keyframe', () => {
    const bank = bankWith(10, [3], []);
    expect(() => bank.select(3, 'forward')).toThrow(MemoryBankError);
    expect(() => bank.select(10, 'forward')).toThrow(/frame index in \[0, 9\]/);
    expect(() => bank.addTracked(3, 'x')).toThrow(/already in the bank/);
    expect(() => new MemoryBank({ numFrames: 5 }).select(1, 'forward')).toThrow(/at least one keyframe/);
    try {
      bank.select(-1, 'reverse');
    } catch (error) {
      expect(MemoryBankError.isInstance(error)).toBe(true);
      expect((error as MemoryBankError).name).toBe('VL_MemoryBankError');
      expect((error as MemoryBankError).frameIndex).toBe(-1);
    }
  });
});

describe('planSchedule', () => {
  it('orders keyframes, then forward from the first keyframe (skipping keyframes), then reverse to 0', () => {
    expect(planSchedule(8, [5, 2, 5])).toEqual({ keyframes: [2, 5], forward: [3, 4, 6, 7], reverse: [1, 0] });
    expect(() => planSchedule(8, [])).toThrow(MemoryBankError);
    expect(() => planSchedule(8, [8])).toThrow(/keyframes in \[0, 7\]/);
  });
});
