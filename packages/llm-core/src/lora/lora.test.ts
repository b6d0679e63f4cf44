import { selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelConfigError } from '../errors/index.js';
import { presetConfig } from '../models/videoloom/config.js';
import { VideoLoomModel } from '../models/videoloom/model.js';
import { maxAbsDiff } from '../test-support/parity.js';
import { resolveLoraConfig } from './config.js';
import { loraModulePath } from './lora.js';

describe('LoRA adapters', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
  });

  it('with B = 0 an attached adapter leaves the output unchanged; with B != 0 merge == unmerged and unmerge restores W', async () => {
    const model = VideoLoomModel.create(presetConfig('tiny', { lora: null }), { seed: 3 });
    const ids = [1, 5, 9, 2, 7, 3];
    const base = model.forward({ sequence: { ids } }).logits;
    model.attachLora({ rank: 4, alpha: 8 }, { seed: 9 });
    expect(model.config.lora?.targets).toHaveLength(7);
    expect(await maxAbsDiff(model.forward({ sequence: { ids } }).logits, base)).toBe(0);
    // Give every B a value so the update is visible.
    for (let i = 0; i < 2; i++) {
      for (const target of model.config.lora?.targets ?? []) {
        const name = `${loraModulePath(i, target)}.lora_B.weight`;
        const b = model.params.get(name);
        b.assign(tf.randomNormal(b.shape, 0, 0.05, 'float32', i + 1));
      }
    }
    const adapted = model.forward({ sequence: { ids } }).logits;
    expect(await maxAbsDiff(adapted, base)).toBeGreaterThan(1e-3);
    const qName = `${loraModulePath(0, 'q_proj')}.weight`;
    const originalQ = tf.clone(model.params.get(qName));
    model.mergeLora();
    expect(model.loraState.merged).toBe(true);
    expect(await maxAbsDiff(model.forward({ sequence: { ids } }).logits, adapted)).toBeLessThan(1e-5);
    model.unmergeLora();
    expect(await maxAbsDiff(model.params.get(qName), originalQ)).toBeLessThan(1e-6);
    expect(await maxAbsDiff(model.forward({ sequence: { ids } }).logits, adapted)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('validates its config', () => {
    expect(() => resolveLoraConfig({ rank: 0 })).toThrow(ModelConfigError);
    expect(() => resolveLoraConfig({ targets: ['lm_head' as never] })).toThrow(/subset of q_proj/);
    expect(resolveLoraConfig({})).toEqual({
      rank: 256,
      alpha: 512,
      dropout: 0.05,
      targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
    });
  });

  it('freezes everything but LoRA, embed_tokens, lm_head and the seg head', () => {
    const model = VideoLoomModel.create(presetConfig('tiny'), { seed: 1 });
    const trainable = model.setTrainable();
    const trainableNames = model.params.specs
      .filter((s) => model.params.get(s.name).trainable)
      .map((s) => s.name);
    expect(trainable).toHaveLength(trainableNames.length);
    expect(trainableNames.every((n) => /lora_|embed_tokens|lm_head|text_hidden_fcs/.test(n))).toBe(true);
    expect(trainableNames.filter((n) => n.includes('lora_'))).toHaveLength(2 * 7 * 2);
    model.dispose();
  });
});
