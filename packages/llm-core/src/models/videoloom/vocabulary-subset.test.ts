import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelConfigError } from '../../errors/index.js';
import { generate } from '../../generation/generate.js';
import { maxAbsDiff } from '../../test-support/parity.js';
import { IGNORE_INDEX } from '../../training/loss.js';
import { Trainer } from '../../training/trainer.js';
import { loadModel, saveModel } from '../../weights/checkpoint-io.js';
import { presetConfig } from './config.js';
import { VideoLoomModel } from './model.js';
import { VocabularySubset } from './vocabulary-subset.js';

// Real-tokenizer-sized ids (Qwen2.5 + InternVL3 added tokens) modelled by a 10-row table.
const IM_END = 151645;
const IMG_CONTEXT = 151667;
const SEG = 151674;
const ENDOFTEXT = 151643;
const TABLE = Int32Array.from([ENDOFTEXT, IM_END, IMG_CONTEXT, SEG, 2132, 374, 220, 13, 1986, 877]);

describe('vocabulary subset', () => {
  let scratch: string;
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    scratch = await mkdtemp(join(tmpdir(), 'llm-core-vocab-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('maps ids in and rows out; unknown ids read as the unknown row', () => {
    const subset = new VocabularySubset(TABLE, 0);
    expect(subset.rowOf(SEG)).toBe(3);
    expect(subset.rowOf(99999)).toBe(0);
    expect(subset.tokenIdOf(4)).toBe(2132);
    expect(Array.from(subset.rowsOf([IGNORE_INDEX, 374, 5]))).toEqual([IGNORE_INDEX, 5, 0]);
    expect(() => new VocabularySubset(Int32Array.from([1, 1]), 0)).toThrow(ModelConfigError);
  });

  it('a subset model embeds an unknown id like the unknown row, trains, round-trips and generates table ids', async () => {
    const config = presetConfig('tiny', {
      decoder: { ...presetConfig('tiny').decoder, vocabSize: TABLE.length },
      specialTokens: { imgContext: IMG_CONTEXT, seg: SEG },
      lora: { rank: 4, alpha: 8, dropout: 0 },
    });
    const model = VideoLoomModel.create(config, { seed: 2, vocabulary: new VocabularySubset(TABLE, 0) });
    const unknown = model.forward({ sequence: { ids: [1986, 424242] } }).logits;
    const asUnknownRow = model.forward({ sequence: { ids: [1986, ENDOFTEXT] } }).logits;
    expect(await maxAbsDiff(unknown, asUnknownRow)).toBe(0);

    const visual = tf.randomNormal([2, 128], 0, 1, 'float32', 1);
    const prompt = [1986, 877, IMG_CONTEXT, IMG_CONTEXT, 220];
    const answer = [2132, 374, 220, SEG, 13, IM_END];
    const ids = [...prompt, ...answer];
    const labels = ids.map((id, i) => (i < prompt.length ? IGNORE_INDEX : id));
    const trainer = new Trainer(model, { learningRate: 1e-2 });
    const losses: number[] = [];
    for (let step = 0; step < 5; step++)
      losses.push((await trainer.step([{ sequence: { ids }, labels, visualTokens: visual }])).loss);
    trainer.dispose();
    expect(losses.at(-1) as number).toBeLessThan(losses[0] as number);

    await saveModel(model, join(scratch, 'subset'));
    const reloaded = (await loadModel(join(scratch, 'subset'))).model;
    expect(Array.from(reloaded.vocabulary?.tokenIds ?? [])).toEqual(Array.from(TABLE));
    const options = {
      prompt: { ids: prompt },
      visualTokens: visual,
      maxNewTokens: 6,
      stopTokenIds: [IM_END],
    };
    const before = await generate(model, options);
    const after = await generate(reloaded, options);
    expect(after.ids).toEqual(before.ids);
    expect(before.ids.every((id) => TABLE.includes(id))).toBe(true);
    model.dispose();
    reloaded.dispose();
  }, 60_000);
});
