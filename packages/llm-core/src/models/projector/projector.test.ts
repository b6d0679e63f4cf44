import { selectTfjsBackend, tf } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TensorShapeError } from '../../errors/index.js';
import type { Tensor } from '../../layers/ops.js';
import {
  FP32_TOLERANCE,
  fixture,
  loadParityFixtures,
  maxAbsDiff,
  PARITY_DIR,
  useParityModel,
} from '../../test-support/parity.js';
import { loadModel } from '../../weights/checkpoint-io.js';
import type { VideoLoomModel } from '../videoloom/model.js';
import { fastPool, pixelShuffle, runProjector } from './projector.js';

describe('pixel shuffle v2', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
  });

  it('orders each 2x2 block top-left, top-right, bottom-left, bottom-right (golden labelled grid)', async () => {
    // 4x4 grid, C = 1, cell value encodes its label r{row}c{col} as 10*row + col.
    const labels = Float32Array.from({ length: 16 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
    const out = pixelShuffle(tf.tensor3d(labels, [1, 16, 1]), 4, 4);
    expect(out.shape).toEqual([1, 4, 4]);
    const cells = (await out.array()) as number[][][];
    expect(cells[0]?.[0]).toEqual([0, 1, 10, 11]);
    expect(cells[0]?.[1]).toEqual([2, 3, 12, 13]); // [r0c2, r0c3, r1c2, r1c3]
    expect(cells[0]?.[2]).toEqual([20, 21, 30, 31]); // cell (1,0): [r2c0, r2c1, r3c0, r3c1]
    expect(cells[0]?.[3]).toEqual([22, 23, 32, 33]);
  });

  it('keeps the C channels of each cell together in block order (C = 2)', async () => {
    const values = Float32Array.from({ length: 16 * 2 }, (_, i) => i);
    const out = (await pixelShuffle(tf.tensor3d(values, [1, 16, 2]), 4, 4).array()) as number[][][];
    // Cell (0,1) = patches (0,2), (0,3), (1,2), (1,3) -> flat indices 2, 3, 6, 7.
    expect(out[0]?.[1]).toEqual([4, 5, 6, 7, 12, 13, 14, 15]);
  });

  it('rejects odd grids with a typed error', () => {
    expect(() => pixelShuffle(tf.zeros([1, 9, 4]), 3, 3)).toThrow(TensorShapeError);
  });
});

describe('fast pooling', () => {
  it('4x4 mean of a 16x16 grid r*16+c gives (4i+1.5)*16 + 4j+1.5 (model reference 15.2)', async () => {
    const values = Float32Array.from({ length: 256 }, (_, i) => i);
    const pooled = (await fastPool(tf.tensor3d(values, [1, 256, 1]), {
      poolSize: 4,
      operator: 'avg',
    }).data()) as Float32Array;
    expect(pooled.length).toBe(16);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) expect(pooled[4 * i + j]).toBeCloseTo((4 * i + 1.5) * 16 + 4 * j + 1.5, 4);
  });

  it('max operator takes the bottom-right cell of each window', async () => {
    const values = Float32Array.from({ length: 256 }, (_, i) => i);
    const pooled = (await fastPool(tf.tensor3d(values, [1, 256, 1]), {
      poolSize: 4,
      operator: 'max',
    }).data()) as Float32Array;
    expect(pooled[5]).toBe((4 * 1 + 3) * 16 + 4 * 1 + 3);
  });
});

describe('projector parity with PyTorch', () => {
  const parity = useParityModel();

  it('pixel shuffle, mlp1 and 2x2 pooling match the reference within 1e-4', async () => {
    const shuffled = pixelShuffle(fixture(parity.fixtures, 'vit.out'), 8, 8);
    expect(await maxAbsDiff(shuffled, fixture(parity.fixtures, 'shuffle.out'))).toBe(0);
    const projected = runProjector(
      parity.model.params,
      parity.model.config.projector,
      fixture(parity.fixtures, 'shuffle.out'),
    );
    expect(await maxAbsDiff(projected, fixture(parity.fixtures, 'projector.out'))).toBeLessThanOrEqual(
      FP32_TOLERANCE,
    );
    const pooled = parity.model.poolFastFrames(fixture(parity.fixtures, 'projector.out'));
    expect(await maxAbsDiff(pooled, fixture(parity.fixtures, 'pool.out'))).toBeLessThanOrEqual(
      FP32_TOLERANCE,
    );
  });
});
