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
import { bicubicMatrix } from './bicubic.js';
import { resizePositionEmbedding, runVisionEncoder } from './vision-encoder.js';

describe('InternViT parity with PyTorch (wasm)', () => {
  const parity = useParityModel();

  it('matches at the trained 8x8 grid (2 images)', async () => {
    const out = runVisionEncoder(
      parity.model.params,
      parity.model.config.vision,
      fixture(parity.fixtures, 'vit.pixels'),
    );
    expect(out.shape).toEqual([2, 64, 32]);
    expect(await maxAbsDiff(out, fixture(parity.fixtures, 'vit.out'))).toBeLessThanOrEqual(FP32_TOLERANCE);
  });

  it('matches at a 6x6 grid through the bicubic position-embedding resize', async () => {
    const out = runVisionEncoder(
      parity.model.params,
      parity.model.config.vision,
      fixture(parity.fixtures, 'vit.pixels84'),
    );
    expect(await maxAbsDiff(out, fixture(parity.fixtures, 'vit.out84'))).toBeLessThanOrEqual(FP32_TOLERANCE);
  });

  it('resizes the position grid like F.interpolate(bicubic, align_corners=False), down and up', async () => {
    const pos = parity.model.params.get('vision_model.embeddings.position_embedding');
    expect(
      await maxAbsDiff(resizePositionEmbedding(pos, 6, 6), fixture(parity.fixtures, 'posembed.down6')),
    ).toBeLessThanOrEqual(1e-5);
    expect(
      await maxAbsDiff(resizePositionEmbedding(pos, 11, 9), fixture(parity.fixtures, 'posembed.up11x9')),
    ).toBeLessThanOrEqual(1e-5);
  });

  it('rejects pixels whose sides are not patch multiples', () => {
    expect(() =>
      runVisionEncoder(parity.model.params, parity.model.config.vision, tf.zeros([1, 3, 100, 112])),
    ).toThrow(TensorShapeError);
  });
});

describe('bicubic interpolation matrix', () => {
  it('is the identity at equal sizes and its rows sum to 1', () => {
    const same = bicubicMatrix(5, 5);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) expect(same[i * 5 + j]).toBeCloseTo(i === j ? 1 : 0, 6);
    const up = bicubicMatrix(4, 7);
    for (let o = 0; o < 7; o++)
      expect(up.slice(o * 4, o * 4 + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
});
