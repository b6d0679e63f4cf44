import { selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from '../models/videoloom/config.js';
import { VideoLoomModel } from '../models/videoloom/model.js';

/**
 * The whole model's autodiff (custom matMul and gather gradients, batched ViT attention, per-kv-head
 * decoder attention, RoPE, norms, pixel shuffle, pooling, visual substitution) against central
 * differences. A wrong backward would still lower a loss through the layers it spares; this catches it.
 */
describe('VideoLoomModel gradients', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
  });

  it('match central differences for parameters of every part, through the visual tokens', () => {
    const tiny = presetConfig('tiny');
    const config = presetConfig('tiny', {
      vision: { ...tiny.vision, imageSize: 56 },
      fastPool: { poolSize: 1 },
      fastFrameMotion: true,
      lora: null,
    });
    const model = VideoLoomModel.create(config, { seed: 5 });
    // Weights scaled up from the 0.02 initialisation so attention is far from uniform and every term
    // of the backward matters.
    for (const name of model.params.names()) {
      if (/(q_proj|k_proj|qkv)\.weight$/.test(name)) {
        const v = model.params.get(name);
        v.assign(tf.mul(v, 8));
      }
    }
    const S = config.vision.imageSize;
    const frames = tf.randomNormal([3, 3, S, S], 0, 1, 'float32', 6);
    const perFrame = model.videoTokens(frames, null).shape[0] / 3;
    const { imgContext } = config.specialTokens;
    // Question, then 3 fast frames each followed by an id token, then an answer.
    const ids: number[] = [10, 11, 12];
    for (let f = 0; f < 3; f++) ids.push(...Array.from({ length: perFrame }, () => imgContext), 20 + f);
    ids.push(30, 31);
    const probe = tf.randomNormal([1, ids.length, config.decoder.hiddenSize], 0, 1, 'float32', 7);
    const lossOf = () =>
      tf.tidy(() => {
        const visualTokens = model.videoTokens(frames, null);
        const { hidden } = model.forward({ sequence: { ids }, visualTokens, training: true });
        return tf.sum(tf.mul(hidden, probe)) as tf.Scalar;
      });
    const checked = [
      'vision_model.embeddings.patch_embedding.weight',
      'vision_model.embeddings.motion_embedding.weight',
      'vision_model.encoder.layers.0.attn.qkv.weight',
      'vision_model.encoder.layers.1.mlp.fc2.weight',
      'mlp1.1.weight',
      'language_model.model.embed_tokens.weight',
      'language_model.model.layers.0.self_attn.q_proj.weight',
      'language_model.model.layers.0.self_attn.k_proj.weight',
      'language_model.model.layers.1.self_attn.v_proj.weight',
      'language_model.model.layers.1.mlp.down_proj.weight',
      'language_model.model.norm.weight',
    ];
    for (const name of checked) {
      const variable = model.params.get(name);
      variable.trainable = true;
      const { grads, value } = tf.variableGrads(lossOf, [variable]);
      value.dispose();
      const analytic = grads[variable.name]!.dataSync();
      const original = variable.dataSync().slice();
      // The elements with the largest gradients (a zero-gradient element would check nothing).
      const largest = Array.from(analytic.keys())
        .sort((a, b) => Math.abs(analytic[b]!) - Math.abs(analytic[a]!))
        .slice(0, 3);
      for (const index of largest) {
        const at = (delta: number) => {
          const moved = original.slice();
          moved[index]! += delta;
          variable.assign(tf.tensor(moved, variable.shape));
          const loss = lossOf();
          const out = loss.dataSync()[0]!;
          loss.dispose();
          return out;
        };
        const eps = 4e-3;
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        variable.assign(tf.tensor(original, variable.shape));
        expect(
          Math.abs(numeric - analytic[index]!),
          `${name}[${index}]: analytic ${analytic[index]}, numeric ${numeric}`,
        ).toBeLessThan(0.03 * Math.abs(analytic[index]!) + 0.03);
      }
      tf.dispose(Object.values(grads));
    }
    model.dispose();
  });
});
