import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../generation/generate.js';
import { presetConfig } from '../models/videoloom/config.js';
import { VideoLoomModel } from '../models/videoloom/model.js';
import { maxAbsDiff } from '../test-support/parity.js';
import { loadModel, saveModel } from '../weights/checkpoint-io.js';
import { causalLmLoss, IGNORE_INDEX, labelsFromLossMask } from './loss.js';
import { Trainer } from './trainer.js';

describe('causalLmLoss', () => {
  it('labelsFromLossMask keeps ids where the mask is 1 and -100 elsewhere', () => {
    expect(Array.from(labelsFromLossMask([5, 6, 7, 8], Uint8Array.from([0, 0, 1, 1])))).toEqual([
      IGNORE_INDEX,
      IGNORE_INDEX,
      7,
      8,
    ]);
  });

  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
  });

  it('shifts labels by one, ignores -100 and takes one mean over counted tokens', async () => {
    const logits = tf.tensor3d([
      [
        [0, 0],
        [2, 0],
        [0, 3],
      ],
    ]); // [1, 3, 2]
    const { loss, tokens } = causalLmLoss(logits, [IGNORE_INDEX, 0, IGNORE_INDEX]);
    expect(tokens).toBe(1);
    // Only position 0 predicts label[1] = 0 with logits [0, 0]: -log(1/2).
    expect((await loss.data())[0]).toBeCloseTo(Math.log(2), 6);
  });
});

describe('training the tiny model (LoRA + paper trainable set) on tfjs-wasm', () => {
  let scratch: string;
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    scratch = await mkdtemp(join(tmpdir(), 'llm-core-train-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('loss falls over a few steps; save -> reload gives identical logits and generated ids', async () => {
    const config = presetConfig('tiny');
    const model = VideoLoomModel.create(config, { seed: 11 });
    const { imgContext, seg } = config.specialTokens;
    // One 224x224 frame as a fast frame (4 pooled tokens) + a short answer containing [SEG].
    const pixels = tf.randomNormal([1, 3, 224, 224], 0, 1, 'float32', 5);
    const frame = model.encodeFrames(pixels).tokens; // [1, 64, 128]
    const fast = model.poolFastFrames(frame).reshape([4, 128]);
    const prompt = [10, 11, 498, imgContext, imgContext, imgContext, imgContext, 499, 12, 13, 14];
    const answer = [20, 21, 22, seg, 23, 502];
    const ids = [...prompt, ...answer];
    const labels = ids.map((id, i) => (i < prompt.length ? IGNORE_INDEX : id));
    const trainer = new Trainer(model, { learningRate: 5e-3 });
    const losses: number[] = [];
    for (let step = 0; step < 6; step++) {
      const { loss } = await trainer.step([{ sequence: { ids }, labels, visualTokens: fast }]);
      losses.push(loss);
    }
    trainer.dispose();
    expect(losses.at(-1) as number).toBeLessThan((losses[0] as number) * 0.8);
    // Frozen groups did not move: the vision encoder gets no gradient in the paper's setup.
    expect(model.params.get('vision_model.encoder.layers.0.attn.qkv.weight').trainable).toBe(false);

    const dir = join(scratch, 'ckpt');
    await saveModel(model, dir);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors']);
    const reloaded = (await loadModel(dir)).model;
    expect(reloaded.config.lora).toEqual(model.config.lora);
    const a = model.forward({ sequence: { ids }, visualTokens: fast });
    const b = reloaded.forward({ sequence: { ids }, visualTokens: fast });
    expect(await maxAbsDiff(a.logits, b.logits)).toBe(0);

    const options = { prompt: { ids: prompt }, visualTokens: fast, maxNewTokens: 8, stopTokenIds: [502] };
    const before = await generate(model, options);
    const after = await generate(reloaded, options);
    expect(after.ids).toEqual(before.ids);
    expect(before.ids.length).toBeGreaterThan(0);
    model.dispose();
    reloaded.dispose();
  }, 60_000);

  it('an auxiliary loss on the [SEG] embeddings trains the seg head on the same tape', async () => {
    const config = presetConfig('tiny');
    const model = VideoLoomModel.create(config, { seed: 5 });
    const ids = [10, 11, 12, config.specialTokens.seg, 13];
    const labels = ids.map(() => IGNORE_INDEX);
    labels[4] = 13;
    const target = tf.ones([1, 32]);
    const before = tf.clone(model.params.get('text_hidden_fcs.2.weight'));
    const trainer = new Trainer(model, {
      learningRate: 1e-2,
      auxiliaryLoss: (output, example) =>
        tf.mean(tf.square(tf.sub(model.segEmbeddings(output.hidden, example.sequence), target))),
    });
    const losses: number[] = [];
    for (let step = 0; step < 5; step++)
      losses.push((await trainer.step([{ sequence: { ids }, labels }])).loss);
    trainer.dispose();
    expect(losses.at(-1) as number).toBeLessThan(losses[0] as number);
    expect(await maxAbsDiff(model.params.get('text_hidden_fcs.2.weight'), before)).toBeGreaterThan(1e-3);
    model.dispose();
  });
});
