import { selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../test-support/parity.js';
import { gatherRows, gelu, matMul2d } from './ops.js';

describe('custom-gradient ops on tfjs-wasm', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
  });

  it('matMul2d gradients equal the analytic ones (dA = dY Bᵀ, dB = Aᵀ dY)', async () => {
    const a = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 4], 0, 1, 'float32', 2);
    const weights = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const [da, db] = tf.grads((x, y) => tf.sum(tf.mul(matMul2d(x, y), weights)))([a, b]) as [
      typeof a,
      typeof b,
    ];
    const expectedA = tf.matMul(weights, b, false, true);
    const expectedB = tf.matMul(a, weights, true, false);
    expect(await maxAbsDiff(da, expectedA)).toBeLessThan(1e-5);
    expect(await maxAbsDiff(db, expectedB)).toBeLessThan(1e-5);
  });

  it('gatherRows forward equals tf.gather and its gradient accumulates repeated rows', async () => {
    const table = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
    const indices = tf.tensor2d([[1, 4, 1]], [1, 3], 'int32');
    expect(await maxAbsDiff(gatherRows(table, indices), tf.gather(table, indices))).toBe(0);
    const weights = tf.tensor3d([
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ]);
    const grad = tf.grad((t) => tf.sum(tf.mul(gatherRows(t, indices), weights)))(table);
    const rows = (await grad.array()) as number[][];
    expect(rows[1]).toEqual([8, 10, 12]); // rows 0 and 2 of `weights` both land on row 1
    expect(rows[4]).toEqual([4, 5, 6]);
    expect(rows[0]).toEqual([0, 0, 0]);
  });

  it('GELU is the exact erf form (gelu(1) = 0.8413447)', async () => {
    expect((await gelu(tf.scalar(1)).data())[0]).toBeCloseTo(0.8413447, 6);
  });
});
