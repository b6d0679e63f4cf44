import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectTfjsBackend, type TensorToWrite, tf, writeSafetensors } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointMismatchError, ModelConfigError } from '../errors/index.js';
import { loraModulePath } from '../lora/lora.js';
import { modelConfigToHfJson, presetConfig } from '../models/videoloom/config.js';
import { VideoLoomModel } from '../models/videoloom/model.js';
import { VocabularySubset } from '../models/videoloom/vocabulary-subset.js';
import { maxAbsDiff } from '../test-support/parity.js';
import { canonicalTensorName, initializeFromCheckpoint, loadModel, saveModel } from './checkpoint-io.js';

/** The XTuner/PEFT training-time name of one of our parameter names. */
function peftName(name: string): string {
  const lora = name.match(/^(.*)\.lora_([AB])\.weight$/);
  if (lora)
    return `mllm.model.${lora[1]?.replace('language_model.', 'language_model.base_model.model.')}.lora_${lora[2]}.default.weight`;
  if (/_proj\.(weight|bias)$/.test(name) && name.startsWith('language_model.model.layers.')) {
    return `mllm.model.${name.replace('language_model.', 'language_model.base_model.model.').replace(/\.(weight|bias)$/, '.base_layer.$1')}`;
  }
  if (name === 'language_model.lm_head.weight')
    return 'mllm.model.language_model.base_model.model.lm_head.modules_to_save.default.weight';
  return `mllm.model.${name}`;
}

describe('loading the XTuner/PEFT training layout', () => {
  let scratch: string;
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    scratch = await mkdtemp(join(tmpdir(), 'llm-core-peft-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('maps XTuner/PEFT training names onto the merged HF names', () => {
    expect(
      canonicalTensorName(
        'mllm.model.language_model.base_model.model.model.layers.3.self_attn.q_proj.base_layer.weight',
      ),
    ).toBe('language_model.model.layers.3.self_attn.q_proj.weight');
    expect(
      canonicalTensorName('language_model.base_model.model.model.layers.0.mlp.up_proj.lora_B.default.weight'),
    ).toBe('language_model.model.layers.0.mlp.up_proj.lora_B.weight');
    expect(
      canonicalTensorName('language_model.base_model.model.lm_head.modules_to_save.default.weight'),
    ).toBe('language_model.lm_head.weight');
    expect(canonicalTensorName('language_model.base_model.model.lm_head.original_module.weight')).toBeNull();
  });

  it('maps PEFT names, loads the adapters, and merged loading gives the same logits', async () => {
    const config = presetConfig('tiny', { lora: { rank: 4, alpha: 8, dropout: 0 } });
    const model = VideoLoomModel.create(config, { seed: 4 });
    for (const target of config.lora?.targets ?? []) {
      const b = model.params.get(`${loraModulePath(1, target)}.lora_B.weight`);
      b.assign(tf.randomNormal(b.shape, 0, 0.05, 'float32', 8));
    }
    const tensors: TensorToWrite[] = [];
    for (const name of model.params.names()) {
      const { shape, data } = await model.params.toCheckpoint(name);
      tensors.push({ name: peftName(name), shape, data });
    }
    // PEFT also keeps the original lm_head next to the trainable copy; it must be ignored.
    tensors.push({
      ...(tensors.find((t) => t.name.endsWith('lm_head.modules_to_save.default.weight')) as TensorToWrite),
      name: 'mllm.model.language_model.base_model.model.lm_head.original_module.weight',
    });
    const dir = join(scratch, 'peft');
    await writeSafetensors(join(dir, 'model.safetensors'), tensors);
    await writeFile(join(dir, 'config.json'), JSON.stringify(modelConfigToHfJson(model.config)));
    const ids = [5, 6, 7, 8, 9];
    const expected = model.forward({ sequence: { ids } }).logits;
    const adapters = await loadModel(dir);
    expect(adapters.unusedTensors).toEqual([
      'mllm.model.language_model.base_model.model.lm_head.original_module.weight',
    ]);
    expect(await maxAbsDiff(adapters.model.forward({ sequence: { ids } }).logits, expected)).toBe(0);
    const merged = await loadModel(dir, { mergeLora: true });
    expect(merged.model.loraState.merged).toBe(true);
    expect(await maxAbsDiff(merged.model.forward({ sequence: { ids } }).logits, expected)).toBeLessThan(1e-5);

    // Without the LoRA config the adapters cannot be scaled: a typed error, not a silent guess.
    const noLora = {
      ...modelConfigToHfJson(model.config),
      videoloom: { ...(modelConfigToHfJson(model.config).videoloom as object), lora: null },
    };
    await writeFile(join(dir, 'config.json'), JSON.stringify(noLora));
    await expect(loadModel(dir)).rejects.toThrow(ModelConfigError);
    for (const m of [model, adapters.model, merged.model]) m.dispose();
  });
});

describe('initializing a model from another checkpoint', () => {
  let scratch: string;
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    scratch = await mkdtemp(join(tmpdir(), 'llm-core-init-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('copies every shared tensor, keeps the ones the checkpoint lacks, and refuses other sizes', async () => {
    const source = VideoLoomModel.create(presetConfig('tiny'), { seed: 1 });
    const dir = join(scratch, 'source');
    await saveModel(source, dir);
    // The target adds a tensor (the motion embedding) and starts from other random values.
    const target = VideoLoomModel.create(presetConfig('tiny', { fastFrameMotion: true }), { seed: 2 });
    const motion = 'vision_model.embeddings.motion_embedding.weight';
    const motionBefore = await target.params.get(motion).data();
    const report = await initializeFromCheckpoint(target, dir);
    expect(report.kept).toEqual([motion]);
    expect(report.loaded).toEqual(source.params.names());
    expect(report.unused).toEqual([]);
    for (const name of source.params.names()) {
      expect(await maxAbsDiff(target.params.get(name), source.params.get(name)), name).toBe(0);
    }
    expect(Array.from(await target.params.get(motion).data())).toEqual(Array.from(motionBefore));

    const wider = VideoLoomModel.create(
      presetConfig('tiny', { decoder: { ...presetConfig('tiny').decoder, intermediateSize: 96 } }),
      { seed: 3 },
    );
    const before = await wider.params.get('language_model.model.embed_tokens.weight').data();
    const error = await initializeFromCheckpoint(wider, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect((error as CheckpointMismatchError).mismatches.map((m) => m.tensorName)).toContain(
      'language_model.model.layers.0.mlp.gate_proj.weight',
    );
    // Refused as a whole: not even the tensors of matching shape were touched.
    expect(Array.from(await wider.params.get('language_model.model.embed_tokens.weight').data())).toEqual(
      Array.from(before),
    );
    // Same shapes, but the rows stand for other token ids: refused too.
    const subset = VideoLoomModel.create(presetConfig('tiny'), {
      seed: 4,
      vocabulary: new VocabularySubset(
        Int32Array.from({ length: source.config.decoder.vocabSize }, (_, i) => i + 1),
        0,
      ),
    });
    await expect(initializeFromCheckpoint(subset, dir)).rejects.toThrow(CheckpointMismatchError);
    for (const m of [source, target, wider, subset]) m.dispose();
  });
});
