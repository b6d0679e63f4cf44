import { selectTfjsBackend, tf } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from '../models/videoloom/config.js';
import { VideoLoomModel } from '../models/videoloom/model.js';
import { maxAbsDiff } from '../test-support/parity.js';
import { generate } from './generate.js';
import { argmax, createRandom, sampleTopP } from './sampling.js';

describe('generation', () => {
  let model: VideoLoomModel;
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    model = VideoLoomModel.create(presetConfig('tiny', { lora: null }), { seed: 21 });
  });
  afterAll(() => model.dispose());

  it('greedy KV-cache generation equals repeated full forwards (argmax), without leaking tensors', async () => {
    const prompt = [3, 14, 15, 92, 65];
    const before = tf.memory().numTensors;
    const result = await generate(model, { prompt: { ids: prompt }, maxNewTokens: 6 });
    result.segHiddenStates.dispose();
    result.segEmbeddings.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stopReason).toBe('max-new-tokens');
    const ids = [...prompt];
    for (let i = 0; i < 6; i++) {
      const out = model.forward({ sequence: { ids }, logits: 'last' });
      ids.push(argmax((await out.logits.data()) as Float32Array));
    }
    expect(result.ids).toEqual(ids.slice(prompt.length));
  });

  it('stops at a stop token and returns the [SEG] hidden state of the step that consumed it', async () => {
    const prompt = [7, 8, 9];
    // Whatever greedy emits first plays [SEG] here (the id comes from config, not from code).
    const first = await generate(model, { prompt: { ids: prompt }, maxNewTokens: 1 });
    const seg = first.ids[0] as number;
    const original = model.config;
    model.config = { ...original, specialTokens: { ...original.specialTokens, seg } };
    const result = await generate(model, { prompt: { ids: prompt }, maxNewTokens: 3, stopTokenIds: [seg] });
    expect(result.ids).toEqual([seg]);
    expect(result.stopReason).toBe('stop-token');
    expect(result.segHiddenStates.shape).toEqual([1, 128]);
    // The hidden state at the [SEG] input position of the full sequence.
    const full = model.forward({ sequence: { ids: [...prompt, seg] } });
    const expected = full.hidden.slice([0, 3, 0], [1, 1, 128]).reshape([1, 128]);
    expect(await maxAbsDiff(result.segHiddenStates, expected)).toBeLessThan(1e-5);
    expect(result.segEmbeddings.shape).toEqual([1, 32]);
    model.config = original;
  });

  it('top-p sampling is reproducible per seed and restricted to the nucleus', () => {
    const logits = Float32Array.from([5, 4.9, 0, -3, -10]);
    const draws = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 50 }, () => sampleTopP(logits, 0.9, 1, random));
    };
    expect(draws(1)).toEqual(draws(1));
    expect(new Set(draws(2))).toEqual(new Set([0, 1]));
    expect(draws(3).every((i) => i === 0 || i === 1)).toBe(true);
  });
});
