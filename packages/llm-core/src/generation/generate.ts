import { tf } from '@videoloom/backend';
import { TensorShapeError } from '../errors/index.js';
import type { Tensor } from '../layers/ops.js';
import { disposeKvCache, type KvCache } from '../models/qwen2/kv-cache.js';
import type { VideoLoomModel } from '../models/videoloom/model.js';
import type { TokenSequence } from '../models/videoloom/visual-substitution.js';
import { argmax, createRandom, type SamplingConfig, sampleTopP } from './sampling.js';

/** Progress of a generation: `generate-start`, one `generate-progress` per token, `generate-end`. */
export type GenerateProgressEvent =
  | { readonly type: 'generate-start'; readonly promptLength: number }
  | { readonly type: 'generate-progress'; readonly tokenId: number; readonly generated: number }
  | {
      readonly type: 'generate-end';
      readonly generated: number;
      readonly stopReason: GenerateResult['stopReason'];
    };

export interface GenerateOptions {
  /** The prompt, with its visual positions. */
  readonly prompt: TokenSequence;
  /** float32 `[N, D]` visual tokens for the prompt's visual positions, or null. @defaultValue null */
  readonly visualTokens?: Tensor | null;
  /** Upper bound on generated tokens. @defaultValue 64 */
  readonly maxNewTokens?: number;
  /** Token ids that end generation (kept in `ids`), e.g. `<|im_end|>` from the tokenizer. @defaultValue [] */
  readonly stopTokenIds?: readonly number[];
  /** @defaultValue { kind: 'greedy' } */
  readonly sampling?: SamplingConfig;
  /** Turns ids into text (e.g. the tokenizer's decode); without it `text` is empty. */
  readonly decode?: (ids: readonly number[]) => string;
  readonly onProgress?: (event: GenerateProgressEvent) => void;
}

/** What generation produced. */
export interface GenerateResult {
  /** Generated token ids (stop token included when one was hit). */
  readonly ids: number[];
  /** `decode(ids)`, or '' without a decoder. */
  readonly text: string;
  /**
   * float32 `[nSeg, D]`: final hidden states of generated `[SEG]` tokens, each taken at the step that
   * consumed the token (model reference 10.1); a `[SEG]` emitted last is consumed by one extra step.
   */
  readonly segHiddenStates: Tensor;
  /** float32 `[nSeg, segHead.outputSize]`: the seg head applied to `segHiddenStates`. */
  readonly segEmbeddings: Tensor;
  readonly stopReason: 'stop-token' | 'max-new-tokens';
}

/** Prefill + KV-cache decoding for one prompt. */
export async function generate(model: VideoLoomModel, options: GenerateOptions): Promise<GenerateResult> {
  const maxNewTokens = options.maxNewTokens ?? 64;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
    throw new TensorShapeError('maxNewTokens', 'a positive integer', String(maxNewTokens));
  }
  const sampling = options.sampling ?? { kind: 'greedy' };
  const random = sampling.kind === 'top-p' ? createRandom(sampling.seed ?? 0) : null;
  const stop = new Set(options.stopTokenIds ?? []);
  const segId = model.config.specialTokens.seg;
  const D = model.config.decoder.hiddenSize;
  // Logits index embedding rows; map the chosen row back to a token id (vocabulary subsets).
  const choose = (logits: Float32Array): number =>
    model.tokenIdOf(
      sampling.kind === 'greedy' || !random
        ? argmax(logits)
        : sampleTopP(logits, sampling.topP ?? 0.9, sampling.temperature ?? 1, random),
    );

  options.onProgress?.({ type: 'generate-start', promptLength: options.prompt.ids.length });
  const prefill = model.forward({
    sequence: options.prompt,
    visualTokens: options.visualTokens ?? null,
    logits: 'last',
  });
  prefill.hidden.dispose();
  let cache: KvCache = prefill.cache;
  let next = choose((await prefill.logits.data()) as Float32Array);
  prefill.logits.dispose();
  const ids: number[] = [];
  const segStates: Tensor[] = [];
  let stopReason: GenerateResult['stopReason'] = 'max-new-tokens';
  try {
    for (;;) {
      ids.push(next);
      options.onProgress?.({ type: 'generate-progress', tokenId: next, generated: ids.length });
      const finished = stop.has(next) || ids.length >= maxNewTokens;
      if (stop.has(next)) stopReason = 'stop-token';
      if (finished && next !== segId) break;
      // Consume `next`: its hidden state is the [SEG] state when next is [SEG].
      const step = model.forward({ sequence: { ids: [next], visualPositions: [] }, cache, logits: 'last' });
      disposeKvCache(cache);
      cache = step.cache;
      if (next === segId) segStates.push(step.hidden.reshape([1, D]));
      step.hidden.dispose();
      if (finished) {
        step.logits.dispose();
        break;
      }
      next = choose((await step.logits.data()) as Float32Array);
      step.logits.dispose();
    }
  } finally {
    disposeKvCache(cache);
  }
  const segHiddenStates = segStates.length > 0 ? tf.concat(segStates, 0) : tf.zeros([0, D]);
  for (const s of segStates) s.dispose();
  const segEmbeddings =
    segStates.length > 0 ? model.segHead(segHiddenStates) : tf.zeros([0, model.config.segHead.outputSize]);
  options.onProgress?.({ type: 'generate-end', generated: ids.length, stopReason });
  return { ids, text: options.decode ? options.decode(ids) : '', segHiddenStates, segEmbeddings, stopReason };
}
