import path from 'node:path';
import { CheckedSession, selectTfjsBackend, tf } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sam2Stages } from '../stages/stages.js';
import { buildTinyImageEncoder, buildTinyMemoryAttention } from '../testing/tiny-stages.js';
import { TfjsTinyStages } from './tfjs-tiny-stages.js';
import { randomTinyStageWeights } from './tiny-stage-weights.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../test/fixtures/tiny-sam2');

/** Uniform noise with unit variance (an LCG: Box–Muller on millions of values is slow in tests). */
function randn(seed: number, dims: number[], scale = 1): { dims: number[]; data: Float32Array } {
  let state = seed >>> 0;
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = scale * Math.sqrt(12) * (state / 4294967296 - 0.5);
  }
  return { dims, data };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('TfjsTinyStages vs the committed tiny ONNX stages (same weights)', () => {
  let onnx: Sam2Stages;
  let tiny: TfjsTinyStages;
  // The seeds buildTinySam2({ seed: 1 }) uses for the committed graphs.
  const weights = {
    image_encoder: randomTinyStageWeights('image_encoder', 1101),
    memory_encoder: randomTinyStageWeights('memory_encoder', 1201),
    memory_attention: randomTinyStageWeights('memory_attention', 1301),
  };

  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm', env: {} });
    onnx = await Sam2Stages.load(FIXTURE, { device: 'cpu', env: {} });
    tiny = TfjsTinyStages.fromWeights(weights);
  }, 60_000);
  afterAll(async () => {
    tiny?.dispose();
    await onnx?.release();
  });

  it('image encoder (built at 256², the stages are size-generic) and memory encoder agree within 1e-5', async () => {
    const image = randn(1, [1, 3, 256, 256]);
    const session = await CheckedSession.create(
      buildTinyImageEncoder(weights.image_encoder, { imageSize: 256 }),
      { device: 'cpu', env: {} },
    );
    const outputs = await session.run({ image: { dtype: 'float32', ...image } });
    const want = Object.fromEntries(
      Object.entries(outputs).map(([k, v]) => [k, (v.data as Float32Array).slice()]),
    );
    await session.release();
    const got = tf.tidy(() => {
      const f = tiny.imageEncoder(tf.tensor4d(image.data, [1, 3, 256, 256]));
      return [f.visionFeat, f.pixFeatNoMem, f.highResFeat0, f.highResFeat1].map((t) => t.dataSync().slice());
    });
    expect(maxAbsDiff(got[0] as Float32Array, want.vision_feat as Float32Array)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got[1] as Float32Array, want.pix_feat_no_mem as Float32Array)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got[2] as Float32Array, want.high_res_feat0 as Float32Array)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got[3] as Float32Array, want.high_res_feat1 as Float32Array)).toBeLessThan(1e-5);

    const mask = randn(2, [2, 1, 256, 256], 3);
    const vision = randn(3, [2, 256, 64, 64]);
    const score = { dims: [2, 1], data: Float32Array.of(0.5, -0.5) }; // one present, one absent
    const mem = await onnx.run('memory_encoder', {
      vision_feat: { dtype: 'float32', ...vision },
      mask_logits: { dtype: 'float32', ...mask },
      object_score_logits: { dtype: 'float32', ...score },
    });
    const memTf = tf.tidy(() =>
      tiny
        .memoryEncoder(
          tf.tensor4d(vision.data, [2, 256, 64, 64]),
          tf.tensor4d(mask.data, [2, 1, 256, 256]),
          tf.tensor2d(score.data, [2, 1]),
        )
        .dataSync()
        .slice(),
    );
    expect(maxAbsDiff(memTf, mem.maskmem_features as Float32Array)).toBeLessThan(1e-5);
  });

  for (const P of [3, 0]) {
    it(`memory attention agrees within 1e-4 with N = 2 memories and P = ${P} pointers`, async () => {
      const vision = randn(4, [1, 256, 64, 64]);
      const memories = randn(5, [2, 1, 64, 64, 64]);
      const ptrs = randn(6, [P, 1, 256]);
      const tpos = Float32Array.from({ length: P }, (_, i) => i / 15);
      const want = await onnx.run('memory_attention', {
        vision_feat: { dtype: 'float32', ...vision },
        maskmem_features: { dtype: 'float32', ...memories },
        maskmem_tpos_index: { dtype: 'int64', dims: [2], data: BigInt64Array.of(6n, 0n) },
        obj_ptrs: { dtype: 'float32', ...ptrs },
        obj_ptr_tpos: { dtype: 'float32', dims: [P], data: tpos },
      });
      const got = tf.tidy(() =>
        tiny
          .memoryAttention(
            tf.tensor4d(vision.data, [1, 256, 64, 64]),
            tf.tensor5d(memories.data, [2, 1, 64, 64, 64]),
            [6, 0],
            tf.tensor3d(ptrs.data, [P, 1, 256]),
            tf.tensor1d(tpos),
          )
          .dataSync()
          .slice(),
      );
      expect(maxAbsDiff(got, want.pix_feat_with_mem as Float32Array)).toBeLessThan(1e-4);
    });
  }

  it('every tiny-stage parameter gets a finite, non-zero gradient on wasm (trainable from scratch)', () => {
    // A 256² image (16×16 grid), as a small synthetic model would use.
    const image = tf.tensor4d(randn(7, [1, 3, 256, 256]).data, [1, 3, 256, 256]);
    const target = tf.tensor4d(randn(8, [1, 256, 16, 16]).data, [1, 256, 16, 16]);
    const mask = tf.tensor4d(randn(9, [1, 1, 64, 64], 3).data, [1, 1, 64, 64]);
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const f = tiny.imageEncoder(image);
        const mem = tiny.memoryEncoder(f.visionFeat, mask, tf.tensor2d([0.5], [1, 1]));
        const out = tiny.memoryAttention(
          f.visionFeat,
          mem.expandDims(0) as tf.Tensor5D,
          [6],
          tf.randomNormal([2, 1, 256], 0, 1, 'float32', 3) as tf.Tensor3D,
          tf.tensor1d([0, 0.1]),
        );
        const highRes = tf.add(tf.mean(f.highResFeat0), tf.mean(f.highResFeat1));
        return tf.add(
          tf.mean(tf.square(tf.sub(out, target))),
          tf.add(highRes, tf.mean(f.pixFeatNoMem)),
        ) as tf.Scalar;
      }),
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    // no_obj_embed_spatial only acts on absent objects: the one parameter this loss cannot reach.
    for (const [name, variable] of tiny.variables) {
      const grad = grads[variable.name];
      expect(grad, name).toBeDefined();
      const g = (grad as tf.Tensor).dataSync();
      expect(g.every(Number.isFinite), name).toBe(true);
      if (!name.endsWith('no_obj_embed_spatial'))
        expect(
          g.some((x) => x !== 0),
          name,
        ).toBe(true);
    }
    tf.dispose([value, ...Object.values(grads), image, target, mask]);
  });

  it('exports trained weights back to a graph the ONNX builder accepts', () => {
    const bytes = buildTinyMemoryAttention(tiny.toWeights().memory_attention);
    expect(bytes.byteLength).toBeGreaterThan(1000);
  });
});
