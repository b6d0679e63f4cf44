import { InvalidMetricInputError, type LoomBenchFile, scoreLoomBench } from '@videoloom/metrics';
import { describe, expect, it } from 'vitest';
import {
  type ConstantSpanItem,
  constantSpanSeconds,
  fitConstantSpan,
  scoreConstantSpan,
} from './baseline.js';

/** mulberry32: a small seeded generator, so the property cases are the same every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomItems(random: () => number, count: number): ConstantSpanItem[] {
  return Array.from({ length: count }, (_, k) => {
    const d = 5 + Math.round(random() * 115 * 8) / 8; // 5..120 s, like frame-aligned durations
    const s = Math.round(random() * d * 0.8 * 4) / 4;
    const e = Math.min(d, s + 0.5 + Math.round(random() * d * 0.5 * 4) / 4);
    return { id: `q${k}`, span: [s, e] as [number, number], durationSeconds: d };
  });
}

/**
 * Reference search written independently of the implementation: plain loops, IoU as
 * intersection / hull in seconds, the same grid and the same order of preference.
 */
function bruteForce(items: readonly ConstantSpanItem[], objective: 'R1@0.5' | 'mIoU') {
  let best: { span: [number, number]; r1: number; miou: number } | undefined;
  for (let i = 0; i <= 100; i++) {
    for (let j = i + 1; j <= 100; j++) {
      const ious = items.map((it) => {
        const a = (i / 100) * it.durationSeconds;
        const b = (j / 100) * it.durationSeconds;
        const inter = Math.max(0, Math.min(b, it.span[1]) - Math.max(a, it.span[0]));
        return inter / (Math.max(b, it.span[1]) - Math.min(a, it.span[0]));
      });
      const r1 = ious.filter((x) => x >= 0.5).length / items.length;
      const miou = ious.reduce((s, x) => s + x, 0) / items.length;
      const key = objective === 'R1@0.5' ? [r1, miou] : [miou, r1];
      const bestKey = best
        ? objective === 'R1@0.5'
          ? [best.r1, best.miou]
          : [best.miou, best.r1]
        : undefined;
      // the primary metric decides; the secondary only beyond float noise (sums in another order)
      if (
        !bestKey ||
        (key[0] as number) > (bestKey[0] as number) + 1e-12 ||
        (Math.abs((key[0] as number) - (bestKey[0] as number)) <= 1e-12 &&
          (key[1] as number) > (bestKey[1] as number) + 1e-12)
      )
        best = { span: [i / 100, j / 100], r1, miou };
    }
  }
  return best as NonNullable<typeof best>;
}

describe('constant-span baseline', () => {
  it('finds the span every item shares (hand-computed: R1 = mIoU = 1)', () => {
    // each truth is 20%..60% of its video, whatever the duration
    const items: ConstantSpanItem[] = [
      { id: 'a', span: [2, 6], durationSeconds: 10 },
      { id: 'b', span: [8, 24], durationSeconds: 40 },
      { id: 'c', span: [0.5, 1.5], durationSeconds: 2.5 },
    ];
    for (const objective of ['R1@0.5', 'mIoU'] as const) {
      const fit = fitConstantSpan(items, objective);
      expect(fit.span).toEqual([0.2, 0.6]);
      expect(fit.fit['R1@0.5']).toBe(1);
      expect(fit.fit.mIoU).toBeCloseTo(1, 12);
    }
  });

  it('hand-computed split where the R1@0.5 span and the mIoU span differ', () => {
    // d = 100 s. Two items [0, 40] and one [60, 100]. R1@0.5 can hit at most 2 (the first two); among
    // those spans [0, 0.40] has the best mIoU (1, 1, 0 -> 2/3). mIoU is maximised by the same span
    // (2/3) versus e.g. [0, 1] (0.4 + 0.4 + 0.4 = 1.2 / 3 = 0.4).
    const items: ConstantSpanItem[] = [
      { id: 'a', span: [0, 40], durationSeconds: 100 },
      { id: 'b', span: [0, 40], durationSeconds: 100 },
      { id: 'c', span: [60, 100], durationSeconds: 100 },
    ];
    const r1 = fitConstantSpan(items, 'R1@0.5');
    expect(r1.span).toEqual([0, 0.4]);
    expect(r1.fit['R1@0.5']).toBeCloseTo(2 / 3, 15);
    expect(r1.fit.mIoU).toBeCloseTo(2 / 3, 15);
    // one item [0, 10] and one [50, 100]: R1@0.5 prefers hitting the long one ([0.5, 1] hits it alone
    // with IoU 1; nothing hits both). mIoU: [0.5, 1] -> (0 + 1) / 2 = 0.5, [0, 0.1] -> 0.5 too; the tie
    // is broken by R1 (equal) then by the earlier start: [0, 0.1].
    const two: ConstantSpanItem[] = [
      { id: 'short', span: [0, 10], durationSeconds: 100 },
      { id: 'long', span: [50, 100], durationSeconds: 100 },
    ];
    expect(fitConstantSpan(two, 'R1@0.5').span).toEqual([0, 0.1]);
    expect(fitConstantSpan(two, 'mIoU').span).toEqual([0, 0.1]);
    expect(fitConstantSpan(two, 'mIoU').fit).toEqual({
      'R1@0.3': 0.5,
      'R1@0.5': 0.5,
      'R1@0.7': 0.5,
      mIoU: 0.5,
      count: 2,
    });
  });

  it('counts an IoU of exactly 0.5 as a hit, as the scorer does', () => {
    // [0, 20] and [0, 80] of 100 s: only [0, 0.4] reaches IoU 0.5 with both (20/40 and 40/80).
    const items: ConstantSpanItem[] = [
      { id: 'a', span: [0, 20], durationSeconds: 100 },
      { id: 'b', span: [0, 80], durationSeconds: 100 },
    ];
    const fit = fitConstantSpan(items, 'R1@0.5');
    expect(fit.span).toEqual([0, 0.4]);
    expect(fit.fit['R1@0.5']).toBe(1);
    expect(fit.fit.mIoU).toBe(0.5);
  });

  it('matches a brute-force reference on small random splits', () => {
    const random = seeded(7);
    for (let trial = 0; trial < 6; trial++) {
      const items = randomItems(random, 3 + trial);
      for (const objective of ['R1@0.5', 'mIoU'] as const) {
        const fit = fitConstantSpan(items, objective);
        const ref = bruteForce(items, objective);
        expect(fit.fit['R1@0.5'], `trial ${trial} ${objective}`).toBe(ref.r1);
        expect(fit.fit.mIoU).toBeCloseTo(ref.miou, 12);
        expect(fit.span, `trial ${trial} ${objective}`).toEqual(ref.span);
      }
    }
  });

  it('property: no constant span on the grid beats the fitted one (R1@0.5 and mIoU)', () => {
    const random = seeded(2024);
    for (let trial = 0; trial < 10; trial++) {
      const items = randomItems(random, 5 + trial * 3);
      const r1 = fitConstantSpan(items, 'R1@0.5').fit['R1@0.5'];
      const miou = fitConstantSpan(items, 'mIoU').fit.mIoU;
      for (let k = 0; k < 40; k++) {
        const i = Math.floor(random() * 100);
        const j = i + 1 + Math.floor(random() * (100 - i));
        const s = scoreConstantSpan([i / 100, j / 100], items);
        expect(s['R1@0.5']).toBeLessThanOrEqual(r1);
        expect(s.mIoU).toBeLessThanOrEqual(miou);
      }
    }
  });

  it('scores exactly what scoreLoomBench gives the same constant prediction', () => {
    const items = randomItems(seeded(99), 12);
    const fit = fitConstantSpan(items, 'R1@0.5');
    const gt: LoomBenchFile = {
      format: 'loombench',
      version: 1,
      kind: 'gt',
      items: items.map((it) => ({ id: it.id, task: 'when', span: it.span })),
    };
    const pred: LoomBenchFile = {
      format: 'loombench',
      version: 1,
      kind: 'pred',
      items: items.map((it) => ({ id: it.id, span: constantSpanSeconds(fit.span, it.durationSeconds) })),
    };
    const m = scoreLoomBench(gt, pred).metrics;
    expect(fit.fit['R1@0.5']).toBe(m['when.R1@0.5']);
    expect(fit.fit['R1@0.3']).toBe(m['when.R1@0.3']);
    expect(fit.fit['R1@0.7']).toBe(m['when.R1@0.7']);
    expect(fit.fit.mIoU).toBe(m['when.mIoU']);
  });

  it('rejects an empty split, a reversed span and a zero duration with typed errors naming the item', () => {
    expect(() => fitConstantSpan([], 'mIoU', { source: 'train.json' })).toThrow(/train\.json: no When items/);
    const bad = (span: [number, number], durationSeconds: number) => () =>
      fitConstantSpan([{ id: 'q7', span, durationSeconds }], 'R1@0.5', { source: 'gt.json' });
    expect(bad([5, 2], 10)).toThrow(InvalidMetricInputError);
    expect(bad([5, 2], 10)).toThrow(/gt\.json \(item q7\): unusable GT span/);
    expect(bad([1, 2], 0)).toThrow(/unusable video duration/);
    expect(() =>
      fitConstantSpan([{ id: 'a', span: [0, 1], durationSeconds: 2 }], 'mIoU', { step: 0.03 }),
    ).toThrow(RangeError);
  });
});
