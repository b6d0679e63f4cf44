import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectTfjsBackend, tf, writeSafetensors } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointMismatchError, VisualTokenCountError } from '../../errors/index.js';
import type { Tensor } from '../../layers/ops.js';
import {
  FP32_TOLERANCE,
  fixture,
  loadParityFixtures,
  maxAbsDiff,
  PARITY_DIR,
} from '../../test-support/parity.js';
import { loadModel } from '../../weights/checkpoint-io.js';
import { SafetensorsCheckpoint } from '../../weights/safetensors-checkpoint.js';
import { disposeKvCache, type KvCache } from '../qwen2/kv-cache.js';
import type { VideoLoomModel } from './model.js';

/** The mixed sequence of the fixtures: a fast frame (4 pooled tokens) and a slow frame (16 tokens). */
async function mixedInputs(model: VideoLoomModel, fixtures: Map<string, Tensor>) {
  const ids = Array.from((await fixture(fixtures, 'model.input_ids').data()) as Int32Array);
  const frames = model.encodeFrames(fixture(fixtures, 'vit.pixels')).tokens; // [2, 16, 64]
  const fast = model.poolFastFrames(frames.slice([0, 0, 0], [1, 16, 64])).reshape([4, 64]);
  const slow = frames.slice([1, 0, 0], [1, 16, 64]).reshape([16, 64]);
  return { ids, visual: tf.concat([fast, slow], 0) };
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`whole tiny model parity with PyTorch [tfjs/${backend}]`, () => {
    let fixtures: Map<string, Tensor>;
    let model: VideoLoomModel;
    beforeAll(async () => {
      if (backend === 'wasm') await selectTfjsBackend({ device: 'wasm' });
      else {
        await tf.setBackend('cpu');
        await tf.ready();
      }
      fixtures = await loadParityFixtures();
      model = (await loadModel(PARITY_DIR)).model;
    });
    afterAll(() => model.dispose());

    it('frames -> visual tokens -> substitution -> logits and [SEG] embeddings match within 1e-4', async () => {
      const { ids, visual } = await mixedInputs(model, fixtures);
      expect(await maxAbsDiff(visual, fixture(fixtures, 'model.visual'))).toBeLessThanOrEqual(FP32_TOLERANCE);
      const out = model.forward({ sequence: { ids }, visualTokens: visual });
      expect(await maxAbsDiff(out.logits, fixture(fixtures, 'model.logits'))).toBeLessThanOrEqual(
        FP32_TOLERANCE,
      );
      const seg = model.segEmbeddings(out.hidden, { ids });
      expect(seg.shape).toEqual([2, 32]);
      expect(model.segEmbeddings(out.hidden, { ids: ids.map((id) => (id === 121 ? 0 : id)) }).shape).toEqual([
        0, 32,
      ]);
      expect(await maxAbsDiff(seg, fixture(fixtures, 'model.seg_embeddings'))).toBeLessThanOrEqual(
        FP32_TOLERANCE,
      );
      disposeKvCache(out.cache);
    });

    it('KV-cache decoding (prefill 30, then 1 token at a time) equals the full forward', async () => {
      const { ids, visual } = await mixedInputs(model, fixtures);
      const full = fixture(fixtures, 'model.logits');
      const V = full.shape[2] as number;
      // Prefill covers every visual position (they end at index 27); then 1-token steps.
      const prefillLength = 30;
      const prefill = model.forward({ sequence: { ids: ids.slice(0, prefillLength) }, visualTokens: visual });
      const pieces: Tensor[] = [prefill.logits];
      let cache: KvCache = prefill.cache;
      for (let i = prefillLength; i < ids.length; i++) {
        const step = model.forward({ sequence: { ids: [ids[i] as number], visualPositions: [] }, cache });
        disposeKvCache(cache);
        cache = step.cache;
        pieces.push(step.logits);
      }
      disposeKvCache(cache);
      const incremental = tf.concat(pieces, 1);
      expect(incremental.shape).toEqual([1, ids.length, V]);
      expect(await maxAbsDiff(incremental, full)).toBeLessThanOrEqual(FP32_TOLERANCE);
    });
  });
}

describe('visual token substitution and checkpoint loading', () => {
  let fixtures: Map<string, Tensor>;
  let model: VideoLoomModel;
  let scratch: string;
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    fixtures = await loadParityFixtures();
    model = (await loadModel(PARITY_DIR)).model;
    scratch = await mkdtemp(join(tmpdir(), 'llm-core-model-'));
  });
  afterAll(async () => {
    model.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('throws VisualTokenCountError when visual tokens and <IMG_CONTEXT> positions differ', async () => {
    const { ids, visual } = await mixedInputs(model, fixtures);
    const tooFew = visual.slice([0, 0], [19, 64]);
    expect(() => model.forward({ sequence: { ids }, visualTokens: tooFew })).toThrow(VisualTokenCountError);
    expect(() => model.forward({ sequence: { ids } })).toThrow(/20 <IMG_CONTEXT> position/);
  });

  it('accepts explicit visual positions from any layout map (same result as the id mask)', async () => {
    const { ids, visual } = await mixedInputs(model, fixtures);
    const positions = ids.flatMap((id, i) => (id === model.config.specialTokens.imgContext ? [i] : []));
    const out = model.forward({ sequence: { ids, visualPositions: positions }, visualTokens: visual });
    expect(await maxAbsDiff(out.logits, fixture(fixtures, 'model.logits'))).toBeLessThanOrEqual(
      FP32_TOLERANCE,
    );
  });

  it('takes a SlowFast-style prompt as is: ids + runs (start, length, visualTokenOffset)', async () => {
    const { ids, visual } = await mixedInputs(model, fixtures);
    const ctx = model.config.specialTokens.imgContext;
    const runs: { start: number; length: number; visualTokenOffset: number; kind: string }[] = [];
    ids.forEach((id, i) => {
      if (id !== ctx) return;
      const last = runs.at(-1);
      if (last && last.start + last.length === i) last.length++;
      else
        runs.push({
          start: i,
          length: 1,
          visualTokenOffset: last ? last.visualTokenOffset + last.length : 0,
          kind: last ? 'slow' : 'fast',
        });
    });
    expect(runs.map((r) => r.length)).toEqual([4, 16]);
    // Extra fields (text, timeline, ...) are ignored: only ids and runs matter.
    const prompt = { ids: Int32Array.from(ids), runs, text: 'unused', visualTokenCount: 20 };
    const out = model.forward({ sequence: prompt, visualTokens: visual });
    expect(await maxAbsDiff(out.logits, fixture(fixtures, 'model.logits'))).toBeLessThanOrEqual(
      FP32_TOLERANCE,
    );
    const swapped = { ids, runs: [runs[1], runs[0]] as typeof runs };
    expect(() => model.forward({ sequence: swapped, visualTokens: visual })).toThrow(/visualTokenOffset/);
  });

  it('loads the sharded bf16 checkpoint (index + 2 shards) and matches logits of the bf16-rounded weights', async () => {
    const events: string[] = [];
    const loaded = await loadModel(join(PARITY_DIR, 'bf16-sharded'), {
      onProgress: (e) => events.push(e.type),
    });
    const { ids, visual } = await mixedInputs(loaded.model, fixtures);
    const out = loaded.model.forward({ sequence: { ids }, visualTokens: visual });
    expect(await maxAbsDiff(out.logits, fixture(fixtures, 'model.logits_bf16'))).toBeLessThanOrEqual(
      FP32_TOLERANCE,
    );
    expect(events[0]).toBe('load-start');
    expect(events.at(-1)).toBe('load-end');
    loaded.model.dispose();
  });

  it('reports unused tensors (e.g. SAM2 weights) and copies embed_tokens into a missing lm_head', async () => {
    const source = await SafetensorsCheckpoint.open(join(PARITY_DIR, 'model.safetensors'));
    const tensors = [];
    for (const name of source.entries.keys()) {
      if (name === 'language_model.lm_head.weight') continue;
      const host = await source.read(name);
      tensors.push({ name, shape: host.shape, data: host.data });
    }
    tensors.push({
      name: 'grounding_encoder.sam2_model.no_mem_embed',
      shape: [1, 1, 4],
      data: new Float32Array(4),
    });
    const dir = join(scratch, 'tied');
    await writeSafetensors(join(dir, 'model.safetensors'), tensors);
    await copyFile(join(PARITY_DIR, 'config.json'), join(dir, 'config.json'));
    const loaded = await loadModel(dir);
    expect(loaded.unusedTensors).toEqual(['grounding_encoder.sam2_model.no_mem_embed']);
    expect(loaded.lmHeadFromEmbeddings).toBe(true);
    const head = tf.transpose(loaded.model.params.get('language_model.lm_head.weight'));
    expect(await maxAbsDiff(head, loaded.model.params.get('language_model.model.embed_tokens.weight'))).toBe(
      0,
    );
    loaded.model.dispose();
  });

  it('rejects an embedding smaller than the tokenizer vocabulary', async () => {
    const error = await loadModel(PARITY_DIR, { tokenizerVocabularySize: 130 }).catch((e: unknown) => e);
    expect(CheckpointMismatchError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/128 rows but the tokenizer has 130 tokens/);
    const ok = await loadModel(PARITY_DIR, { tokenizerVocabularySize: 128 });
    ok.model.dispose();
  });

  it('a config from another size fails before allocation, naming both files and the first tensors', async () => {
    const dir = join(scratch, 'wrong-config');
    const config = JSON.parse(await readFile(join(PARITY_DIR, 'config.json'), 'utf8'));
    config.llm_config.intermediate_size = 96;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const before = tf.memory().numTensors;
    const error = await loadModel(dir, { weightsPath: join(PARITY_DIR, 'model.safetensors') }).catch(
      (e: unknown) => e,
    );
    expect(CheckpointMismatchError.isInstance(error)).toBe(true);
    const mismatch = error as CheckpointMismatchError;
    expect(mismatch.configPath).toBe(join(dir, 'config.json'));
    expect(mismatch.weightsPath).toBe(join(PARITY_DIR, 'model.safetensors'));
    expect(mismatch.mismatches[0]?.tensorName).toBe('language_model.model.layers.0.mlp.gate_proj.weight');
    expect(mismatch.mismatches[0]?.expected).toEqual([96, 64]);
    expect(mismatch.mismatches[0]?.received).toEqual([128, 64]);
    expect(mismatch.message).toMatch(/different model size/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
