import { positiveInt, positiveNumber, probability } from '../config/validate.js';
import { ModelConfigError } from '../errors/index.js';

/** The seven linear projections of a decoder layer that LoRA can adapt. */
export const LORA_TARGETS = [
  'q_proj',
  'k_proj',
  'v_proj',
  'o_proj',
  'gate_proj',
  'up_proj',
  'down_proj',
] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

/** PEFT-style LoRA: y = W x + b + (alpha / rank) * B (A dropout(x)). */
export interface LoraConfig {
  /** Rank r of A [r, in] and B [out, r]. Sa2VA (InternVL3): 256. @defaultValue 256 */
  readonly rank: number;
  /** Scale numerator; the update is multiplied by alpha / rank. @defaultValue 512 */
  readonly alpha: number;
  /** Dropout on the LoRA input path during training (never at inference). @defaultValue 0.05 */
  readonly dropout: number;
  /** Which projections get adapters, in every decoder layer. @defaultValue all seven */
  readonly targets: readonly LoraTarget[];
}

export function resolveLoraConfig(input: Partial<LoraConfig>, path?: string): LoraConfig {
  const targets = input.targets ?? LORA_TARGETS;
  for (const t of targets) {
    if (!(LORA_TARGETS as readonly string[]).includes(t)) {
      throw new ModelConfigError('lora.targets', `a subset of ${LORA_TARGETS.join(', ')}`, t, path);
    }
  }
  return {
    rank: positiveInt(input.rank, 'lora.rank', 256, path),
    alpha: positiveNumber(input.alpha, 'lora.alpha', 512, path),
    dropout: probability(input.dropout, 'lora.dropout', 0.05, path),
    targets: [...targets],
  };
}
