import type { SecondsSpan } from '../timeline/frame-timeline.js';
import { type AnswerIssue, type AnswerParseResult, type FrameIdOptions, failure } from './answer-result.js';

/** One highlight clip: a sampled frame and its saliency score (1..5 scale in the prompt). */
export interface HighlightClip {
  readonly frameId: number;
  readonly saliency: number;
  /** The frame's interval [t_j, t_{j+1}) when a timeline was given. */
  readonly seconds?: SecondsSpan;
}

const INTEGER_LIST = /\d+(?:\s*,\s*(?:and\s+)?\d+)*/g;
const NUMBER_LIST = /\d+(?:\.\d+)?(?:\s*,\s*(?:and\s+)?\d+(?:\.\d+)?)*/g;
const SCORES_MARKER = /saliency\s+scores?\s*(?:are|is|:)?/i;

function numbersOf(list: string): number[] {
  return list.split(/\s*,\s*(?:and\s+)?/).map(Number);
}

/**
 * Highlight detection (Fig. 9): "The highlight frame ids are 41, 42, 43. Their saliency scores are 1.3,
 * 1.7, 1.7." -> clips. Also reads the model's own variant "There are 11 highlight moments in 56, 57, ...":
 * the ids are the longest list of integers before "saliency scores" (a stated count is checked against
 * it). Ids out of range are dropped (or fail with outOfRange: 'error'), duplicates keep the first, and
 * a list-length mismatch keeps the pairs that line up; each is recorded as an issue.
 */
export function parseHighlights(
  text: string,
  options: FrameIdOptions = {},
): AnswerParseResult<HighlightClip[]> {
  const marker = SCORES_MARKER.exec(text);
  const idPart = marker ? text.slice(0, marker.index) : text;
  const idLists = [...idPart.matchAll(INTEGER_LIST)].map((m) => m[0]);
  if (idLists.length === 0)
    return failure('highlight-detection', 'no-frame-ids', text, 'no highlight frame ids found');
  // The longest list is the ids; on a tie the later one (a count like "There are 3 ... in 4, 5, 6" comes first).
  const idList = idLists.reduce((best, l) => (numbersOf(l).length >= numbersOf(best).length ? l : best));
  const ids = numbersOf(idList);
  if (!marker)
    return failure('highlight-detection', 'missing-scores', text, 'no "saliency scores are ..." part');
  const scoreMatch = [...text.slice(marker.index + marker[0].length).matchAll(NUMBER_LIST)][0];
  if (!scoreMatch)
    return failure('highlight-detection', 'missing-scores', text, 'the saliency score list is empty');
  const scores = numbersOf(scoreMatch[0]);

  const issues: AnswerIssue[] = [];
  const stated = /there\s+are\s+(\d+)\s+highlight/i.exec(text);
  if (stated && Number(stated[1]) !== ids.length) {
    issues.push({
      kind: 'count-mismatch',
      detail: `the answer says ${stated[1]} moments but lists ${ids.length} ids`,
    });
  }
  if (scores.length !== ids.length) {
    issues.push({
      kind: 'count-mismatch',
      detail: `${ids.length} frame ids but ${scores.length} scores; kept the first ${Math.min(ids.length, scores.length)} pairs`,
    });
  }
  const timeline = options.timeline;
  const clips: HighlightClip[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < Math.min(ids.length, scores.length); i++) {
    const frameId = ids[i]!;
    if (timeline && frameId > timeline.length - 1) {
      if ((options.outOfRange ?? 'clamp') === 'error') {
        return failure(
          'highlight-detection',
          'frame-id-out-of-range',
          text,
          `frame id ${frameId} > last frame id ${timeline.length - 1}`,
        );
      }
      issues.push({
        kind: 'frame-id-dropped',
        index: i,
        detail: `frame id ${frameId} is past the last frame ${timeline.length - 1}`,
      });
      continue;
    }
    if (seen.has(frameId)) {
      issues.push({
        kind: 'duplicate-frame-id',
        index: i,
        detail: `frame id ${frameId} repeated; kept the first`,
      });
      continue;
    }
    seen.add(frameId);
    const saliency = scores[i]!;
    clips.push(
      timeline
        ? {
            frameId,
            saliency,
            seconds: {
              startSeconds: timeline.secondsOfFrameId(frameId),
              endSeconds: timeline.intervalEndOfFrameId(frameId),
            },
          }
        : { frameId, saliency },
    );
  }
  if (clips.length === 0)
    return failure('highlight-detection', 'no-frame-ids', text, 'no usable highlight frame id remained');
  return { ok: true, value: clips, issues, rawText: text };
}

/** The prompt's format: "The highlight frame ids are 41, 42. Their saliency scores are 1.3, 1.7." */
export function renderHighlights(clips: ReadonlyArray<{ frameId: number; saliency: number }>): string {
  return (
    `The highlight frame ids are ${clips.map((c) => c.frameId).join(', ')}. ` +
    `Their saliency scores are ${clips.map((c) => String(c.saliency)).join(', ')}.`
  );
}
