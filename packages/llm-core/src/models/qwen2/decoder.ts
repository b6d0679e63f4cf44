import { tf } from '@videoloom/backend';
import { TensorShapeError } from '../../errors/index.js';
import { attention, causalMask } from '../../layers/attention.js';
import { gatherRows, linear, rmsNorm, silu, type Tensor } from '../../layers/ops.js';
import type { LoraConfig, LoraTarget } from '../../lora/config.js';
import { adaptedLinear, type LoraState, loraModulePath, loraParameterSpecs } from '../../lora/lora.js';
import { linearSpecs, type ParameterSpec, type ParameterStore } from '../../weights/parameter-store.js';
import type { DecoderConfig } from './config.js';
import type { KvCache, LayerKeyValues } from './kv-cache.js';
import { applyRope, ropeTables } from './rope.js';

export const EMBED_TOKENS = 'language_model.model.embed_tokens.weight';
export const LM_HEAD = 'language_model.lm_head.weight';
export const FINAL_NORM = 'language_model.model.norm.weight';
const layerPrefix = (i: number) => `language_model.model.layers.${i}`;

/** In/out widths of each LoRA-adaptable projection. */
export function projectionShape(
  c: DecoderConfig,
  target: LoraTarget,
): { inFeatures: number; outFeatures: number } {
  const D = c.hiddenSize;
  const q = c.numHeads * c.headDim;
  const kv = c.numKeyValueHeads * c.headDim;
  switch (target) {
    case 'q_proj':
      return { inFeatures: D, outFeatures: q };
    case 'k_proj':
    case 'v_proj':
      return { inFeatures: D, outFeatures: kv };
    case 'o_proj':
      return { inFeatures: q, outFeatures: D };
    case 'gate_proj':
    case 'up_proj':
      return { inFeatures: D, outFeatures: c.intermediateSize };
    case 'down_proj':
      return { inFeatures: c.intermediateSize, outFeatures: D };
  }
}

/** Checkpoint names of the decoder (section 13.1), plus LoRA adapters when configured. */
export function decoderParameterSpecs(c: DecoderConfig, lora: LoraConfig | null): ParameterSpec[] {
  const D = c.hiddenSize;
  const g = 'decoder' as const;
  // Embedding rows are looked up, not multiplied: stored as-is ([V, D]).
  const specs: ParameterSpec[] = [
    { name: EMBED_TOKENS, shape: [c.vocabSize, D], transposed: false, group: 'embed_tokens', init: 'normal' },
  ];
  for (let i = 0; i < c.numLayers; i++) {
    const p = layerPrefix(i);
    const shape = (t: LoraTarget) => projectionShape(c, t);
    specs.push(
      { name: `${p}.input_layernorm.weight`, shape: [D], transposed: false, group: g, init: 'ones' },
      ...linearSpecs(`${p}.self_attn.q_proj`, D, shape('q_proj').outFeatures, true, g),
      ...linearSpecs(`${p}.self_attn.k_proj`, D, shape('k_proj').outFeatures, true, g),
      ...linearSpecs(`${p}.self_attn.v_proj`, D, shape('v_proj').outFeatures, true, g),
      ...linearSpecs(`${p}.self_attn.o_proj`, shape('o_proj').inFeatures, D, false, g),
      { name: `${p}.post_attention_layernorm.weight`, shape: [D], transposed: false, group: g, init: 'ones' },
      ...linearSpecs(`${p}.mlp.gate_proj`, D, c.intermediateSize, false, g),
      ...linearSpecs(`${p}.mlp.up_proj`, D, c.intermediateSize, false, g),
      ...linearSpecs(`${p}.mlp.down_proj`, c.intermediateSize, D, false, g),
    );
  }
  specs.push({ name: FINAL_NORM, shape: [D], transposed: false, group: g, init: 'ones' });
  // Always held separately: for tied checkpoints the loader copies embed_tokens into it (section 7.1).
  specs.push(...linearSpecs('language_model.lm_head', D, c.vocabSize, false, 'lm_head'));
  if (lora) specs.push(...loraParameterSpecs(lora, c.numLayers, (t) => projectionShape(c, t)));
  return specs;
}

/**
 * Token embeddings `embed_tokens[ids]`.
 * @param ids int32 `[B, L]`
 * @returns float32 `[B, L, D]`
 */
export function embedTokens(params: ParameterStore, ids: Tensor): Tensor {
  return gatherRows(params.get(EMBED_TOKENS), ids);
}

/** Options of one decoder pass. */
export interface DecoderRunOptions {
  /** Keys/values of earlier positions (batch must match); positions continue from `cache.length`. @defaultValue null */
  readonly cache?: KvCache | null;
  /** Apply LoRA dropout. @defaultValue false */
  readonly training?: boolean;
  readonly lora: LoraConfig | null;
  readonly loraState: LoraState;
}

/** Output of one decoder pass. */
export interface DecoderOutput {
  /** float32 `[B, L, D]`: last-layer states after the final RMSNorm (what lm_head and the [SEG] head read). */
  readonly hidden: Tensor;
  /** The cache extended by these L positions (new tensors; the input cache is left untouched). */
  readonly cache: KvCache;
}

/**
 * Qwen2.5 decoder over input embeddings (causal, positions continue from the cache).
 * @param embeds float32 `[B, L, D]`
 */
export function runDecoder(
  params: ParameterStore,
  c: DecoderConfig,
  embeds: Tensor,
  options: DecoderRunOptions,
): DecoderOutput {
  if (embeds.rank !== 3 || embeds.shape[2] !== c.hiddenSize) {
    throw new TensorShapeError('embeds', `float32 [B, L, ${c.hiddenSize}]`, `[${embeds.shape.join(', ')}]`);
  }
  const [B, L] = embeds.shape as [number, number, number];
  const past = options.cache?.length ?? 0;
  const H = c.numHeads;
  const KV = c.numKeyValueHeads;
  const hd = c.headDim;
  const training = options.training ?? false;
  const project = (path: string, x: Tensor) =>
    adaptedLinear(params, path, x, options.lora, options.loraState, training);
  const flat = tf.tidy(() => {
    const tables = ropeTables(past, L, hd, c.ropeTheta);
    const mask = L > 1 || past > 0 ? causalMask(L, past) : null;
    let x: Tensor = embeds;
    const layers: LayerKeyValues[] = [];
    for (let i = 0; i < c.numLayers; i++) {
      const p = layerPrefix(i);
      const h = rmsNorm(x, params.get(`${p}.input_layernorm.weight`), c.rmsNormEps);
      const q = project(loraModulePath(i, 'q_proj'), h);
      const k = project(loraModulePath(i, 'k_proj'), h);
      const v = project(loraModulePath(i, 'v_proj'), h);
      const attended: Tensor[] = [];
      const keys: Tensor[] = [];
      const values: Tensor[] = [];
      for (let b = 0; b < B; b++) {
        // Batch 1 (generation) skips the per-sample slices and concats.
        const sample = (t: Tensor, width: number) => (B === 1 ? t : t.slice([b, 0, 0], [1, L, width]));
        const heads = (t: Tensor, n: number) =>
          tf.transpose(sample(t, n * hd).reshape([L, n, hd]), [1, 0, 2]);
        const qb = applyRope(heads(q, H), tables);
        let kb = applyRope(heads(k, KV), tables);
        let vb = heads(v, KV);
        const cached = options.cache?.layers[i];
        if (cached) {
          const pastOf = (t: Tensor) =>
            (B === 1 ? t : t.slice([b, 0, 0, 0], [1, KV, past, hd])).reshape([KV, past, hd]);
          kb = tf.concat([pastOf(cached.key), kb], 1);
          vb = tf.concat([pastOf(cached.value), vb], 1);
        }
        keys.push(kb.expandDims(0));
        values.push(vb.expandDims(0));
        attended.push(attention(qb, kb, vb, mask).expandDims(0));
      }
      const stack = (parts: Tensor[]) => (parts.length === 1 ? (parts[0] as Tensor) : tf.concat(parts, 0));
      layers.push({ key: stack(keys), value: stack(values) });
      const o = project(loraModulePath(i, 'o_proj'), stack(attended));
      x = tf.add(x, o);
      const h2 = rmsNorm(x, params.get(`${p}.post_attention_layernorm.weight`), c.rmsNormEps);
      const gate = silu(project(loraModulePath(i, 'gate_proj'), h2));
      const up = project(loraModulePath(i, 'up_proj'), h2);
      x = tf.add(x, project(loraModulePath(i, 'down_proj'), tf.mul(gate, up)));
    }
    // tidy keeps tensors returned in a flat array: [hidden, key0, value0, key1, value1, ...].
    return [rmsNorm(x, params.get(FINAL_NORM), c.rmsNormEps), ...layers.flatMap((l) => [l.key, l.value])];
  });
  const layers: LayerKeyValues[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    layers.push({ key: flat[1 + 2 * i] as Tensor, value: flat[2 + 2 * i] as Tensor });
  }
  return { hidden: flat[0] as Tensor, cache: { layers, length: past + L } };
}

/**
 * Vocabulary logits from final hidden states.
 * @param hidden float32 `[..., D]`
 * @returns float32 `[..., V]`
 */
export function lmHead(params: ParameterStore, hidden: Tensor): Tensor {
  return linear(hidden, params.get(LM_HEAD));
}
