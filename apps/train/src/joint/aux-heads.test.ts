import { selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { perFrameBce } from './joint-loss.js';
import { longestMarkedRun } from './validation.js';

describe('auxiliary heads', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
  });

  it('per-frame BCE sums over a frame labels and averages over frames', () => {
    const logits = [
      [2, -1, 0.5],
      [-3, 0, 1],
    ];
    const targets = [
      [1, 0, 0],
      [0, 1, 1],
    ];
    const bce = (x: number, y: number) =>
      -(y * Math.log(1 / (1 + Math.exp(-x))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-x))));
    const expected =
      logits
        .map((row, f) => row.reduce((sum, x, k) => sum + bce(x, targets[f]![k]!), 0))
        .reduce((a, b) => a + b) / 2;
    const value = perFrameBce(tf.tensor2d(targets), tf.tensor2d(logits)).dataSync()[0]!;
    expect(value).toBeCloseTo(expected, 5);
    // A mean over labels would be 3x smaller: the gradient scale the heads were starved of.
    expect(value).toBeGreaterThan(2 * (expected / 3));
  });

  it('reads the span a head marks: the longest positive run, else the peak frame', () => {
    expect(longestMarkedRun([-1, 2, 3, -1, 1, 1, 1, -2])).toEqual({ startFrameId: 4, endFrameId: 6 });
    expect(longestMarkedRun([1, 1, -1, 1, 1])).toEqual({ startFrameId: 0, endFrameId: 1 });
    expect(longestMarkedRun([-3, -0.5, -2])).toEqual({ startFrameId: 1, endFrameId: 1 });
    expect(longestMarkedRun([0.1, 0.2, 0.3])).toEqual({ startFrameId: 0, endFrameId: 2 });
  });
});
