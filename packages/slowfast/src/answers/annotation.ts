import {
  type AnswerIssue,
  type AnswerParseResult,
  type FrameIdOptions,
  failure,
  normaliseSpan,
  type ParsedFrameSpan,
} from './answer-result.js';

/** One line of the annotation format (Fig. 11): "from A to B: Description." */
export interface AnnotationSegment extends ParsedFrameSpan {
  readonly description: string;
}

const LINE_HEAD = /^\s*(?:[-*•]\s*)?\**from\s*\[?(\d+)\]?\s*(?:to|-|–)\s*\[?(\d+)\]?\**\s*[:,]\s*/i;

/**
 * The data pipeline's annotation format (Fig. 11): one "from A to B: Description." per line. The
 * prompt asks for contiguous, non-overlapping ranges covering the shot; where they are not, `gap` and
 * `overlap` issues say so (the segments are kept as written). Lines that are not segments are ignored.
 */
export function parseAnnotation(
  text: string,
  options: FrameIdOptions = {},
): AnswerParseResult<AnnotationSegment[]> {
  const issues: AnswerIssue[] = [];
  const segments: AnnotationSegment[] = [];
  for (const line of text.split(/\r?\n/)) {
    const head = LINE_HEAD.exec(line);
    if (!head) continue;
    const index = segments.length;
    const span = normaliseSpan('annotation', text, Number(head[1]), Number(head[2]), options, issues, index);
    if (span instanceof Error) return { ok: false, error: span };
    const description = line.slice(head[0].length).trim();
    if (description === '')
      issues.push({ kind: 'empty-description', index, detail: `segment ${index} has no description` });
    const previous = segments.at(-1);
    if (previous && span.startFrameId > previous.endFrameId + 1) {
      issues.push({
        kind: 'gap',
        index,
        detail: `frames ${previous.endFrameId + 1}..${span.startFrameId - 1} are not described`,
      });
    } else if (previous && span.startFrameId <= previous.endFrameId) {
      issues.push({
        kind: 'overlap',
        index,
        detail: `segment ${index} starts at ${span.startFrameId}, inside the previous one`,
      });
    }
    segments.push({ ...span, description });
  }
  if (segments.length === 0)
    return failure('annotation', 'no-events', text, 'no "from A to B: description" line found');
  return { ok: true, value: segments, issues, rawText: text };
}

/** One "from A to B: Description" line per segment, separated by blank lines as in Fig. 11. */
export function renderAnnotation(
  segments: ReadonlyArray<{ startFrameId: number; endFrameId: number; description: string }>,
): string {
  return segments.map((s) => `from ${s.startFrameId} to ${s.endFrameId}: ${s.description}`).join('\n\n');
}
