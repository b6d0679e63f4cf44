import {
  type AnswerIssue,
  type AnswerParseResult,
  type FrameIdOptions,
  failure,
  normaliseSpan,
  type ParsedFrameSpan,
} from './answer-result.js';

/**
 * Temporal grounding (Fig. 9): "The given query happens from A to B." -> frame ids [A, B] (-> seconds).
 * Accepts extra words around the phrase, any case, reversed ranges (swapped, with an issue), and
 * "A to B" / "A - B" / "between A and B" when the word "from" is missing.
 */
export function parseTemporalGrounding(
  text: string,
  options: FrameIdOptions = {},
): AnswerParseResult<ParsedFrameSpan> {
  const match =
    /\bfrom\s+(?:frame\s+(?:id\s+)?)?(\d+)\s*(?:to|-|–|until|till)\s*(?:frame\s+(?:id\s+)?)?(\d+)/i.exec(
      text,
    ) ??
    /\bbetween\s+(?:frame\s+(?:id\s+)?)?(\d+)\s+and\s+(?:frame\s+(?:id\s+)?)?(\d+)/i.exec(text) ??
    /(\d+)\s*(?:to|-|–)\s*(\d+)/i.exec(text);
  if (!match) {
    const lone = /\bfrom\s+(?:frame\s+(?:id\s+)?)?(\d+)/i.exec(text);
    if (lone)
      return failure(
        'temporal-grounding',
        'missing-end-frame',
        text,
        `found "from ${lone[1]}" but no end frame id`,
      );
    return failure('temporal-grounding', 'no-frame-range', text, 'no "from A to B" frame range found');
  }
  const issues: AnswerIssue[] = [];
  const span = normaliseSpan('temporal-grounding', text, Number(match[1]), Number(match[2]), options, issues);
  if (span instanceof Error) return { ok: false, error: span };
  return { ok: true, value: span, issues, rawText: text };
}

/** The answer a VideoLoom checkpoint writes for a span: "The given query happens from A to B." */
export function renderTemporalGrounding(span: { startFrameId: number; endFrameId: number }): string {
  return `The given query happens from ${span.startFrameId} to ${span.endFrameId}.`;
}
