import type { ChatTemplateConfig, SpecialTokenMode } from '@videoloom/tokenizer';
import { LayoutInputError } from './layout-errors.js';

/**
 * How the SlowFast prompt is laid out. Defaults follow the paper (C = 256, R = 4, "This sampled frame id
 * is N", 8192 tokens) and model-reference §9.4 for the separators the paper does not give. A checkpoint's
 * config must record any change here, or prompting and training will disagree.
 */
export interface SlowFastLayoutConfig {
  /** C: visual tokens of one slow frame (one 448x448 tile after pixel shuffle). @defaultValue 256 */
  readonly slowTokensPerFrame?: number;
  /** R: spatial pooling ratio of fast frames; a fast frame has C / R² tokens (16). @defaultValue 4 */
  readonly fastPoolRatio?: number;
  /** Text written after each fast frame; `{frameId}` is replaced by the id. @defaultValue 'This sampled frame id is {frameId}' */
  readonly frameIdText?: string;
  /** Maximum total tokens of the prompt (and answer, when given). @defaultValue 8192 */
  readonly maxSequenceLength?: number;
  /**
   * Tokens kept free for the model's answer at inference (counted against `maxSequenceLength`).
   * @defaultValue 0
   */
  readonly reserveForGeneration?: number;
  /**
   * When the prompt is too long: true = drop fast frames by the rule in `reduceFastFrames`
   * (the returned timeline then has fewer, renumbered frames); false = throw `SequenceBudgetError`.
   * @defaultValue true
   */
  readonly allowFastFrameReduction?: boolean;
  /** Chat template and system text. @defaultValue { name: 'qwen_chat' } (no system line) */
  readonly chatTemplate?: ChatTemplateConfig;
  /**
   * How added-token strings written inside the question are read. `split` (default) keeps a question
   * that contains "<IMG_CONTEXT>" or "[SEG]" from injecting placeholders; `parse` is what the Python
   * reference does with the whole prompt string.
   * @defaultValue 'split'
   */
  readonly questionSpecialTokens?: SpecialTokenMode;
  /**
   * Where the question goes in the user turn. The paper puts it after the video; before the video,
   * every visual position can attend to it (causal attention), so frame states can be
   * question-aware. A checkpoint must record its choice. @defaultValue 'after-video'
   */
  readonly questionPlacement?: 'after-video' | 'before-video';
}

export type ResolvedLayoutConfig = Required<SlowFastLayoutConfig> & { readonly fastTokensPerFrame: number };

export const DEFAULT_FRAME_ID_TEXT = 'This sampled frame id is {frameId}';

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new LayoutInputError(field, 'a positive integer', String(value));
  return value;
}

/** Fills the defaults and checks the values. */
export function resolveLayoutConfig(config: SlowFastLayoutConfig = {}): ResolvedLayoutConfig {
  const slowTokensPerFrame = positiveInteger('config.slowTokensPerFrame', config.slowTokensPerFrame ?? 256);
  const fastPoolRatio = positiveInteger('config.fastPoolRatio', config.fastPoolRatio ?? 4);
  const fastTokensPerFrame = slowTokensPerFrame / (fastPoolRatio * fastPoolRatio);
  if (!Number.isInteger(fastTokensPerFrame)) {
    throw new LayoutInputError(
      'config.fastPoolRatio',
      `a ratio R with slowTokensPerFrame / R² an integer (slowTokensPerFrame is ${slowTokensPerFrame})`,
      String(fastPoolRatio),
    );
  }
  const frameIdText = config.frameIdText ?? DEFAULT_FRAME_ID_TEXT;
  if (!frameIdText.includes('{frameId}')) {
    throw new LayoutInputError(
      'config.frameIdText',
      'a text containing "{frameId}"',
      JSON.stringify(frameIdText),
    );
  }
  return {
    slowTokensPerFrame,
    fastPoolRatio,
    fastTokensPerFrame,
    frameIdText,
    maxSequenceLength: positiveInteger('config.maxSequenceLength', config.maxSequenceLength ?? 8192),
    reserveForGeneration: config.reserveForGeneration ?? 0,
    allowFastFrameReduction: config.allowFastFrameReduction ?? true,
    chatTemplate: config.chatTemplate ?? { name: 'qwen_chat' },
    questionSpecialTokens: config.questionSpecialTokens ?? 'split',
    questionPlacement: config.questionPlacement ?? 'after-video',
  };
}

/** The frame-id text of fast frame `frameId`, e.g. "This sampled frame id is 26". */
export function frameIdTextOf(config: Pick<ResolvedLayoutConfig, 'frameIdText'>, frameId: number): string {
  return config.frameIdText.replaceAll('{frameId}', String(frameId));
}
