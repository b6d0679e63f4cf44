import {
  type AnswerIssue,
  type AnswerParseResult,
  type FrameIdOptions,
  failure,
  normaliseSpan,
  type ParsedFrameSpan,
} from './answer-result.js';

/** One dense-captioning event. */
export interface CaptionEvent extends ParsedFrameSpan {
  readonly description: string;
}

const EVENT_HEAD = /\bfrom\s+(\d+)\s*(?:to|-|–)\s*(\d+)\s*[,:;.]?\s*/gi;

/** Trims whitespace and the closing period (the renderer adds it back). */
function cleanDescription(text: string): string {
  return text
    .trim()
    .replace(/[.\s]+$/u, '')
    .trim();
}

/**
 * Dense captioning (Fig. 9): "From A to B, description. From C to D, description. ..." -> events in
 * order. Text before the first "From" is ignored; an event whose description is empty is kept with an
 * `empty-description` issue (the span alone is still scored by temporal metrics).
 */
export function parseDenseCaptions(
  text: string,
  options: FrameIdOptions = {},
): AnswerParseResult<CaptionEvent[]> {
  const heads = [...text.matchAll(EVENT_HEAD)];
  if (heads.length === 0)
    return failure('dense-captioning', 'no-events', text, 'no "From A to B, description" event found');
  const issues: AnswerIssue[] = [];
  const events: CaptionEvent[] = [];
  for (const [i, head] of heads.entries()) {
    const bodyStart = head.index + head[0].length;
    const bodyEnd = heads[i + 1]?.index ?? text.length;
    const description = cleanDescription(text.slice(bodyStart, bodyEnd));
    const span = normaliseSpan(
      'dense-captioning',
      text,
      Number(head[1]),
      Number(head[2]),
      options,
      issues,
      i,
    );
    if (span instanceof Error) return { ok: false, error: span };
    if (description === '')
      issues.push({ kind: 'empty-description', index: i, detail: `event ${i} has no description` });
    events.push({ ...span, description });
  }
  return { ok: true, value: events, issues, rawText: text };
}

/** "From A to B, description." for each event, joined by spaces (as in Fig. 9). */
export function renderDenseCaptions(
  events: ReadonlyArray<{ startFrameId: number; endFrameId: number; description: string }>,
): string {
  return events.map((e) => `From ${e.startFrameId} to ${e.endFrameId}, ${e.description}.`).join(' ');
}
