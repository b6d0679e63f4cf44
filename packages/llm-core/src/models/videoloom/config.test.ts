import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelConfigError } from '../../errors/index.js';
import { PARITY_DIR } from '../../test-support/parity.js';
import { modelConfigFromHfJson, modelConfigToHfJson, presetConfig, resolveModelConfig } from './config.js';
import { modelParameterSpecs, VideoLoomModel } from './model.js';

describe('model configs', () => {
  it('reads an InternVL-style config.json and writes it back losslessly', async () => {
    const json = JSON.parse(await readFile(join(PARITY_DIR, 'config.json'), 'utf8'));
    const config = modelConfigFromHfJson(json);
    expect(config.decoder.headDim).toBe(16);
    expect(config.specialTokens).toEqual({ imgContext: 120, seg: 121 });
    expect(modelConfigFromHfJson(modelConfigToHfJson(config))).toEqual(config);
  });

  it('special-token ids from the tokenizer override the config', async () => {
    const json = JSON.parse(await readFile(join(PARITY_DIR, 'config.json'), 'utf8'));
    expect(modelConfigFromHfJson(json, undefined, { seg: 99 }).specialTokens.seg).toBe(99);
  });

  it('the 8B preset has the section 13.1 shapes', () => {
    const specs = new Map(modelParameterSpecs(presetConfig('internvl3-8b')).map((s) => [s.name, s.shape]));
    expect(specs.get('vision_model.embeddings.position_embedding')).toEqual([1, 1025, 1024]);
    expect(specs.get('vision_model.encoder.layers.23.attn.qkv.weight')).toEqual([3072, 1024]);
    expect(specs.get('mlp1.1.weight')).toEqual([3584, 4096]);
    expect(specs.get('language_model.model.layers.27.self_attn.k_proj.weight')).toEqual([512, 3584]);
    expect(specs.get('language_model.model.layers.0.mlp.down_proj.weight')).toEqual([3584, 18944]);
    expect(specs.has('language_model.model.layers.0.self_attn.o_proj.bias')).toBe(false);
    expect(specs.get('text_hidden_fcs.2.weight')).toEqual([256, 3584]);
  });

  it('initializerRange: read from and written to initializer_range, and the spread of fresh weights', () => {
    const config = resolveModelConfig({
      vision: {
        imageSize: 32,
        patchSize: 8,
        hiddenSize: 32,
        numLayers: 1,
        numHeads: 2,
        intermediateSize: 64,
      },
      fastPool: { poolSize: 1 },
      decoder: {
        hiddenSize: 64,
        numLayers: 1,
        numHeads: 2,
        numKeyValueHeads: 1,
        intermediateSize: 128,
        vocabSize: 300,
        initializerRange: 0.1,
      },
      specialTokens: { imgContext: 1, seg: 2 },
    });
    expect(config.vision.initializerRange).toBe(0.02); // InternViT's own default
    const json = modelConfigToHfJson(config) as { llm_config: { initializer_range: number } };
    expect(json.llm_config.initializer_range).toBe(0.1);
    expect(modelConfigFromHfJson(json).decoder.initializerRange).toBe(0.1);
    const model = VideoLoomModel.create(config, { seed: 3 });
    const std = (name: string) => {
      const values = model.params.get(name).dataSync() as Float32Array;
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    };
    // 3,072 to 19,200 samples each: the sample spread is within 5 % of the asked one (a 0.02 vs 0.1
    // mix-up is 400 % off).
    const within5Percent = (name: string, expected: number) =>
      expect(Math.abs(std(name) / expected - 1), name).toBeLessThan(0.05);
    within5Percent('language_model.model.layers.0.mlp.up_proj.weight', 0.1);
    within5Percent('language_model.model.embed_tokens.weight', 0.1);
    within5Percent('mlp1.1.weight', 0.1);
    within5Percent('vision_model.encoder.layers.0.attn.qkv.weight', 0.02);
    expect(() => resolveModelConfig({ ...config, decoder: { initializerRange: 0 } })).toThrow(
      /decoder\.initializerRange/,
    );
    model.dispose();
  });

  it('rejects inconsistent values with the field named', () => {
    const base = { specialTokens: { imgContext: 1, seg: 2 } };
    expect(() => resolveModelConfig({ ...base, decoder: { numHeads: 28, numKeyValueHeads: 5 } })).toThrow(
      /decoder\.numKeyValueHeads/,
    );
    expect(() => resolveModelConfig({ ...base, fastPool: { poolSize: 3 } })).toThrow(ModelConfigError);
    expect(() =>
      modelConfigFromHfJson({
        ps_version: 'v1',
        videoloom: { special_token_ids: { img_context: 1, seg: 2 } },
      }),
    ).toThrow(/ps_version/);
    expect(() => modelConfigFromHfJson({})).toThrow(/specialTokens\.imgContext/);
  });
});
