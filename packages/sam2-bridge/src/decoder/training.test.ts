import { measureLeaks, selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sam2WeightsError } from '../errors/weights-error.js';
import { parseSafetensors, serializeSafetensors } from '../weights/safetensors.js';
import {
  gaussianSource,
  type MaskDecoderConfig,
  maskDecoderWeightSet,
  maskDecoderWeightsFrom,
  randomMaskDecoderWeights,
  TINY_MASK_DECODER_CONFIG,
} from './mask-decoder-weights.js';
import { TfjsMaskDecoder } from './tfjs-mask-decoder.js';

// A 16×16 feature grid (64×64 low-res masks) keeps training steps fast; the decoder is size-generic.
const SMALL: MaskDecoderConfig = { ...TINY_MASK_DECODER_CONFIG, featSize: 16 };
const S = SMALL.featSize;

function randn(seed: number, dims: number[], scale = 1): tf.Tensor {
  const r = gaussianSource(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = scale * r();
  return tf.tensor(data, dims);
}

describe('TfjsMaskDecoder training path', () => {
  let decoder: TfjsMaskDecoder;
  const weights = randomMaskDecoderWeights(SMALL, 3);
  let features: { imageEmbed: tf.Tensor4D; highResFeat0: tf.Tensor4D; highResFeat1: tf.Tensor4D };
  let target: tf.Tensor3D;

  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm', env: {} });
    decoder = TfjsMaskDecoder.fromWeights(weights);
    features = {
      imageEmbed: randn(1, [1, 256, S, S]) as tf.Tensor4D,
      highResFeat0: randn(2, [1, 32, 4 * S, 4 * S]) as tf.Tensor4D,
      highResFeat1: randn(3, [1, 64, 2 * S, 2 * S]) as tf.Tensor4D,
    };
    // Target: a centred square covering a quarter of the low-res mask.
    const side = 4 * S;
    const mask = new Float32Array(side * side);
    for (let y = side / 4; y < (3 * side) / 4; y++)
      for (let x = side / 4; x < (3 * side) / 4; x++) mask[y * side + x] = 1;
    target = tf.tensor3d(mask, [1, side, side]);
  });

  const lossFor = (prompt: tf.Tensor) =>
    tf.tidy(() =>
      decoder.maskLoss(decoder.forward({ ...features, promptEmbed: prompt as tf.Tensor3D }), target),
    );

  it('gradients of BCE + Dice reach the [SEG] prompt embedding and match a finite difference', () => {
    const prompt = randn(4, [1, 1, 256]);
    const grad = tf.grad((p: tf.Tensor) => lossFor(p))(prompt);
    const g = grad.dataSync();
    const norm = Math.sqrt(Array.from(g).reduce((a, v) => a + v * v, 0));
    expect(norm).toBeGreaterThan(1e-4);
    // Directional derivative along the gradient direction vs a central difference.
    const direction = grad.div(norm);
    const h = 0.05;
    const plus = lossFor(prompt.add(direction.mul(h))).dataSync()[0] as number;
    const minus = lossFor(prompt.sub(direction.mul(h))).dataSync()[0] as number;
    const numeric = (plus - minus) / (2 * h);
    expect(Math.abs(numeric - norm) / norm).toBeLessThan(0.05);
  });

  it('Adam on the prompt embedding alone lowers the loss (the [SEG] path learns) and leaks no tensors', async () => {
    const prompt = tf.variable(randn(5, [1, 1, 256], 0.1), true, 'seg_embedding');
    const optimizer = tf.train.adam(0.05);
    const first = lossFor(prompt).dataSync()[0] as number;
    const leaks = await measureLeaks(() => {
      for (let step = 0; step < 12; step++) {
        const cost = optimizer.minimize(() => lossFor(prompt), true, [prompt]);
        cost?.dispose();
      }
    });
    const last = lossFor(prompt).dataSync()[0] as number;
    expect(last).toBeLessThan(first * 0.9);
    // Adam's two moment slots for the one variable are the only tensors it may keep.
    expect(leaks.tfjsTensors).toBeLessThanOrEqual(2);
    optimizer.dispose();
    prompt.dispose();
  });

  it('decoder variables train too, and round-trip through safetensors in PyTorch layout', () => {
    const prompt = randn(6, [1, 1, 256]);
    const trainable = [...decoder.variables.values()];
    const optimizer = tf.train.adam(0.01);
    const first = lossFor(prompt).dataSync()[0] as number;
    for (let step = 0; step < 5; step++) optimizer.minimize(() => lossFor(prompt), false, trainable);
    const last = lossFor(prompt).dataSync()[0] as number;
    expect(last).toBeLessThan(first);
    optimizer.dispose();

    const saved = maskDecoderWeightsFrom(
      parseSafetensors(serializeSafetensors(maskDecoderWeightSet(decoder.toWeights(weights)))),
    );
    const reloaded = TfjsMaskDecoder.fromWeights(saved, { trainable: false });
    const a = lossFor(prompt).dataSync()[0] as number;
    const original = decoder;
    decoder = reloaded;
    const b = lossFor(prompt).dataSync()[0] as number;
    decoder = original;
    reloaded.dispose();
    expect(Math.abs(a - b)).toBeLessThan(1e-6);
    // The trained weights differ from the initial ones (the file carries the update).
    const q = 'sam_mask_decoder.transformer.layers.0.cross_attn_token_to_image.q_proj.weight';
    expect(saved.tensors.get(q)?.dims).toEqual(weights.tensors.get(q)?.dims);
    expect(saved.tensors.get(q)?.data).not.toEqual(weights.tensors.get(q)?.data);
  });

  it('rejects weights with a missing tensor or a wrong shape, naming the tensor', () => {
    const set = maskDecoderWeightSet(weights);
    const missing = new Map(set.tensors);
    missing.delete('no_obj_ptr');
    expect(() => maskDecoderWeightsFrom({ ...set, tensors: missing }, 'w.safetensors')).toThrow(
      /"no_obj_ptr"/,
    );
    const wrong = new Map(set.tensors);
    wrong.set('no_obj_ptr', { dims: [1, 128], data: new Float32Array(128) });
    try {
      maskDecoderWeightsFrom({ ...set, tensors: wrong }, 'w.safetensors');
      expect.unreachable();
    } catch (error) {
      expect(Sam2WeightsError.isInstance(error)).toBe(true);
      expect((error as Sam2WeightsError).tensorName).toBe('no_obj_ptr');
      expect((error as Sam2WeightsError).expected).toBe('shape [1,256]');
    }
    expect(() => parseSafetensors(new Uint8Array(4))).toThrow(Sam2WeightsError);
  });
});
