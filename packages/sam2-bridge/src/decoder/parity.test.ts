import { CheckedSession, selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMaskDecoderGraph } from '../onnx/mask-decoder-graph.js';
import { sam2StageContracts } from '../stages/contract.js';
import { parseSafetensors, serializeSafetensors } from '../weights/safetensors.js';
import {
  gaussianSource,
  maskDecoderWeightSet,
  maskDecoderWeightsFrom,
  randomMaskDecoderWeights,
  TINY_MASK_DECODER_CONFIG,
} from './mask-decoder-weights.js';
import { TfjsMaskDecoder } from './tfjs-mask-decoder.js';

function randn(seed: number, dims: number[], scale = 1): { dims: number[]; data: Float32Array } {
  const r = gaussianSource(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = scale * r();
  return { dims, data };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('tfjs mask decoder vs ONNX mask decoder on the same safetensors weights', () => {
  // Both load from the same serialized bytes, as a fine-tuned checkpoint would be shared.
  const bytes = serializeSafetensors(
    maskDecoderWeightSet(randomMaskDecoderWeights(TINY_MASK_DECODER_CONFIG, 7)),
  );
  const weights = maskDecoderWeightsFrom(parseSafetensors(bytes));
  let session: CheckedSession;
  let decoder: TfjsMaskDecoder;

  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm', env: {} });
    session = await CheckedSession.create(buildMaskDecoderGraph(weights), {
      device: 'cpu',
      env: {},
      contract: sam2StageContracts().mask_decoder,
    });
    decoder = TfjsMaskDecoder.fromWeights(weights, { trainable: false });
  });

  for (const [B, K] of [
    [1, 1],
    [1, 0],
    [2, 1],
  ] as const) {
    it(`agree within 1e-4 with B=${B}, K=${K}`, async () => {
      const imageEmbed = randn(11 + B + K, [B, 256, 64, 64]);
      const hr0 = randn(12 + B + K, [B, 32, 256, 256]);
      const hr1 = randn(13 + B + K, [B, 64, 128, 128]);
      const prompt = randn(14 + B + K, [B, K, 256]);
      const onnx = await session.run({
        image_embed: { dtype: 'float32', ...imageEmbed },
        high_res_feat0: { dtype: 'float32', ...hr0 },
        high_res_feat1: { dtype: 'float32', ...hr1 },
        prompt_embed: { dtype: 'float32', ...prompt },
      });
      const out = tf.tidy(() => {
        const o = decoder.forward({
          imageEmbed: tf.tensor4d(imageEmbed.data, imageEmbed.dims as [number, number, number, number]),
          highResFeat0: tf.tensor4d(hr0.data, hr0.dims as [number, number, number, number]),
          highResFeat1: tf.tensor4d(hr1.data, hr1.dims as [number, number, number, number]),
          promptEmbed: tf.tensor3d(prompt.data, prompt.dims as [number, number, number]),
        });
        return {
          masks: o.lowResMasks.dataSync().slice(),
          iou: o.iouPred.dataSync().slice(),
          ptr: o.objPtr.dataSync().slice(),
          score: o.objectScoreLogits.dataSync().slice(),
        };
      });
      const masks = onnx.low_res_masks?.data as Float32Array;
      // Non-trivial outputs: logits spread over both signs.
      expect(Math.max(...masks.slice(0, 65536))).toBeGreaterThan(0.1);
      expect(Math.min(...masks.slice(0, 65536))).toBeLessThan(-0.1);
      expect(maxAbsDiff(out.masks, masks)).toBeLessThan(1e-4);
      expect(maxAbsDiff(out.iou, onnx.iou_pred?.data as Float32Array)).toBeLessThan(1e-4);
      expect(maxAbsDiff(out.ptr, onnx.obj_ptr?.data as Float32Array)).toBeLessThan(1e-4);
      expect(maxAbsDiff(out.score, onnx.object_score_logits?.data as Float32Array)).toBeLessThan(1e-4);
    });
  }
});
