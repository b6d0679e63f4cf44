import { type AnswerIssue, type AnswerParseResult, failure } from './answer-result.js';

/** Where one `[SEG]` of a generated answer is, and which hidden state belongs to it. */
export interface SegTokenPosition {
  /** Index k in the generated ids (g_0 is the first generated token). */
  readonly generatedIndex: number;
  /**
   * Index of its last-layer hidden state in `[prompt states (promptLength); one state per decoding step]`:
   * the state computed with `[SEG]` as the *input* (model-reference §10.1), i.e. promptLength + k.
   */
  readonly hiddenStateIndex: number;
}

export interface SegmentationAnswer {
  /** One entry per `[SEG]` (= one object), in order of appearance. */
  readonly segTokens: readonly SegTokenPosition[];
}

export interface SegTokenInput {
  /** Generated ids g_0..g_{n-1} (without the prompt). */
  readonly generatedIds: ArrayLike<number>;
  /** Prompt length L: the number of prompt hidden states before the decoding steps. */
  readonly promptLength: number;
  /** The `[SEG]` id, read from the tokenizer (`tokenizer.specialTokenIds().segmentation`). */
  readonly segTokenId: number;
  /** The raw decoded text, kept in errors. @defaultValue '' */
  readonly text?: string;
}

/**
 * Finds the `[SEG]` tokens of a generated answer and the hidden state each one needs. Generation runs
 * one step per consumed token, so with n generated tokens only g_0..g_{n-2} have a state; a `[SEG]` as
 * the very last token (generation stopped by the length limit) has none: it is reported as a
 * `seg-state-missing` issue and left out (run one more step to get it). No `[SEG]` at all is an error.
 */
export function findSegTokens(input: SegTokenInput): AnswerParseResult<SegmentationAnswer> {
  const { generatedIds, promptLength, segTokenId } = input;
  const text = input.text ?? '';
  const segTokens: SegTokenPosition[] = [];
  const issues: AnswerIssue[] = [];
  for (let k = 0; k < generatedIds.length; k++) {
    if (generatedIds[k] !== segTokenId) continue;
    if (k === generatedIds.length - 1) {
      issues.push({
        kind: 'seg-state-missing',
        index: k,
        detail: '[SEG] is the last generated token: no step consumed it yet',
      });
      continue;
    }
    segTokens.push({ generatedIndex: k, hiddenStateIndex: promptLength + k });
  }
  if (segTokens.length === 0 && issues.length === 0) {
    return failure(
      'segmentation',
      'no-seg-token',
      text,
      `no [SEG] (id ${segTokenId}) among ${generatedIds.length} generated ids`,
    );
  }
  return { ok: true, value: { segTokens }, issues, rawText: text };
}

/** "It is [SEG]." for one object (the paper's answer); "They are [SEG], [SEG] and [SEG]." for several. */
export function renderSegmentationAnswer(objectCount: number): string {
  if (objectCount <= 1) return 'It is [SEG].';
  const segs = Array.from({ length: objectCount }, () => '[SEG]');
  return `They are ${segs.slice(0, -1).join(', ')} and ${segs.at(-1)}.`;
}
