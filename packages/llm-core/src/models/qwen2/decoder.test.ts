import { selectTfjsBackend, tf } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { lmHead, runDecoder } from './decoder.js';
import { disposeKvCache } from './kv-cache.js';
import { applyRope, ropeTables } from './rope.js';

describe('RoPE (rotate-half)', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
  });

  it('matches the PyTorch reference at positions 5..12', async () => {
    const fixtures = await loadParityFixtures();
    const out = applyRope(fixture(fixtures, 'rope.in'), ropeTables(5, 8, 16, 1_000_000));
    expect(await maxAbsDiff(out, fixture(fixtures, 'rope.out'))).toBeLessThanOrEqual(1e-5);
  });

  it('leaves position 0 unchanged and preserves the norm of every (i, i + hd/2) pair', async () => {
    const x = tf.randomNormal([2, 4, 8], 0, 1, 'float32', 3);
    const atZero = applyRope(x.slice([0, 0, 0], [2, 1, 8]), ropeTables(0, 1, 8, 10_000));
    expect(await maxAbsDiff(atZero, x.slice([0, 0, 0], [2, 1, 8]))).toBeLessThan(1e-7);
    const rotated = (await applyRope(x, ropeTables(7, 4, 8, 10_000)).array()) as number[][][];
    const original = (await x.array()) as number[][][];
    for (let h = 0; h < 2; h++) {
      for (let p = 0; p < 4; p++) {
        for (let i = 0; i < 4; i++) {
          const pair = (v: number[][][]) =>
            Math.hypot(v[h]?.[p]?.[i] as number, v[h]?.[p]?.[i + 4] as number);
          expect(pair(rotated)).toBeCloseTo(pair(original), 5);
        }
      }
    }
  });
});

describe('Qwen2.5 decoder parity with PyTorch', () => {
  const parity = useParityModel();

  it('matches hidden states and logits for a batch of 2 random embedding sequences', async () => {
    const { hidden, cache } = runDecoder(
      parity.model.params,
      parity.model.config.decoder,
      fixture(parity.fixtures, 'decoder.embeds'),
      {
        lora: null,
        loraState: { merged: false },
      },
    );
    expect(await maxAbsDiff(hidden, fixture(parity.fixtures, 'decoder.hidden'))).toBeLessThanOrEqual(
      FP32_TOLERANCE,
    );
    expect(
      await maxAbsDiff(lmHead(parity.model.params, hidden), fixture(parity.fixtures, 'decoder.logits')),
    ).toBeLessThanOrEqual(FP32_TOLERANCE);
    expect(cache.length).toBe(10);
    expect(cache.layers[0]?.key.shape).toEqual([2, 2, 10, 16]);
    disposeKvCache(cache);
  });
});
