import { tf } from '@videoloom/backend';
import { linear, type Tensor } from '../layers/ops.js';
import type { ParameterSpec, ParameterStore } from '../weights/parameter-store.js';
import { LORA_TARGETS, type LoraConfig, type LoraTarget } from './config.js';

const ATTENTION_TARGETS: ReadonlySet<LoraTarget> = new Set(['q_proj', 'k_proj', 'v_proj', 'o_proj']);

/** Module path (without `.weight`) of one LoRA-adaptable projection. */
export function loraModulePath(layer: number, target: LoraTarget): string {
  const block = ATTENTION_TARGETS.has(target) ? 'self_attn' : 'mlp';
  return `language_model.model.layers.${layer}.${block}.${target}`;
}

/**
 * Checkpoint names of the adapters: `<module>.lora_A.weight` `[r, in]` and `<module>.lora_B.weight`
 * `[out, r]` (PEFT layout minus its `.default` adapter name).
 */
export function loraParameterSpecs(
  lora: LoraConfig,
  numLayers: number,
  shapeOf: (target: LoraTarget) => { inFeatures: number; outFeatures: number },
): ParameterSpec[] {
  const specs: ParameterSpec[] = [];
  for (let i = 0; i < numLayers; i++) {
    for (const target of LORA_TARGETS) {
      if (!lora.targets.includes(target)) continue;
      const { inFeatures, outFeatures } = shapeOf(target);
      const path = loraModulePath(i, target);
      specs.push(
        {
          name: `${path}.lora_A.weight`,
          shape: [lora.rank, inFeatures],
          transposed: true,
          group: 'lora',
          init: 'lora-a',
        },
        {
          name: `${path}.lora_B.weight`,
          shape: [outFeatures, lora.rank],
          transposed: true,
          group: 'lora',
          init: 'zeros',
        },
      );
    }
  }
  return specs;
}

/** Whether LoRA updates are currently folded into the base weights. */
export interface LoraState {
  merged: boolean;
}

/**
 * A Linear layer with an optional LoRA path: `x Wᵀ + b + (alpha/r) * B(A(dropout(x)))`. When the
 * adapters are merged (or absent) it is the plain Linear.
 *
 * @param x float32 `[..., in]`
 * @returns float32 `[..., out]`
 */
export function adaptedLinear(
  params: ParameterStore,
  modulePath: string,
  x: Tensor,
  lora: LoraConfig | null,
  state: LoraState,
  training: boolean,
): Tensor {
  const bias = params.has(`${modulePath}.bias`) ? params.get(`${modulePath}.bias`) : undefined;
  const base = linear(x, params.get(`${modulePath}.weight`), bias);
  const aName = `${modulePath}.lora_A.weight`;
  if (!lora || state.merged || !params.has(aName)) return base;
  const input = training && lora.dropout > 0 ? tf.dropout(x, lora.dropout) : x;
  const update = linear(linear(input, params.get(aName)), params.get(`${modulePath}.lora_B.weight`));
  return tf.add(base, tf.mul(update, lora.alpha / lora.rank));
}

/**
 * Folds every adapter into its base weight, `W <- W + (alpha/r) B A` (in memory: `Wᵀ += s Aᵀ Bᵀ`), or
 * takes it back out (`sign = -1`). Used for export and for faster inference.
 */
export function foldLora(params: ParameterStore, lora: LoraConfig, numLayers: number, sign: 1 | -1): void {
  const scale = (sign * lora.alpha) / lora.rank;
  for (let i = 0; i < numLayers; i++) {
    for (const target of lora.targets) {
      const path = loraModulePath(i, target);
      if (!params.has(`${path}.lora_A.weight`)) continue;
      const updated = tf.tidy(() =>
        tf.add(
          params.get(`${path}.weight`),
          tf.mul(tf.matMul(params.get(`${path}.lora_A.weight`), params.get(`${path}.lora_B.weight`)), scale),
        ),
      );
      params.get(`${path}.weight`).assign(updated);
      updated.dispose();
    }
  }
}
