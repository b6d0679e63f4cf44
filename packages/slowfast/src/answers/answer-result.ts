import type { FrameTimeline, SecondsSpan } from '../timeline/frame-timeline.js';
import { type AnswerFormat, AnswerParseError, type AnswerParseFailure } from './answer-parse-error.js';

/** Something odd but recoverable in an answer; the parser fixed it and says how. */
export interface AnswerIssue {
  readonly kind:
    | 'reversed-range'
    | 'frame-id-clamped'
    | 'frame-id-dropped'
    | 'duplicate-frame-id'
    | 'count-mismatch'
    | 'empty-description'
    | 'gap'
    | 'overlap'
    | 'seg-state-missing';
  /** Index of the event / clip / token concerned, when there is one. */
  readonly index?: number;
  readonly detail: string;
}

/** A parser's outcome: the value with the issues it fixed, or a typed error. Never a silent empty answer. */
export type AnswerParseResult<T> =
  | {
      readonly ok: true;
      readonly value: T;
      readonly issues: readonly AnswerIssue[];
      readonly rawText: string;
    }
  | { readonly ok: false; readonly error: AnswerParseError };

/** How ids outside 0..Nf-1 are treated. */
export type OutOfRangePolicy = 'clamp' | 'error';

export interface FrameIdOptions {
  /**
   * The fast frames of the prompt (from `SlowFastPrompt.timeline`): bounds ids to 0..Nf-1 and adds
   * seconds to the result (span convention of FrameTimeline: "from A to B" = [t_A, t_{B+1})).
   */
  readonly timeline?: FrameTimeline;
  /** Ids outside 0..Nf-1: clamp them (an issue is recorded) or fail. @defaultValue 'clamp' */
  readonly outOfRange?: OutOfRangePolicy;
}

/** A frame-id span as read from an answer, with seconds when a timeline was given. */
export interface ParsedFrameSpan {
  readonly startFrameId: number;
  readonly endFrameId: number;
  readonly seconds?: SecondsSpan;
}

export function failure<T>(
  format: AnswerFormat,
  reason: AnswerParseFailure,
  rawText: string,
  detail: string,
): AnswerParseResult<T> {
  return { ok: false, error: new AnswerParseError(format, reason, rawText, detail) };
}

/** Orders a span, bounds it to the timeline and converts it to seconds; records what it changed. */
export function normaliseSpan(
  format: AnswerFormat,
  rawText: string,
  a: number,
  b: number,
  options: FrameIdOptions,
  issues: AnswerIssue[],
  index?: number,
): ParsedFrameSpan | AnswerParseError {
  let start = a;
  let end = b;
  if (start > end) {
    issues.push({ kind: 'reversed-range', index, detail: `"from ${a} to ${b}" read as from ${b} to ${a}` });
    [start, end] = [end, start];
  }
  const timeline = options.timeline;
  if (timeline) {
    const last = timeline.length - 1;
    if (end > last) {
      if ((options.outOfRange ?? 'clamp') === 'error') {
        return new AnswerParseError(
          format,
          'frame-id-out-of-range',
          rawText,
          `frame id ${end} > last frame id ${last}`,
        );
      }
      issues.push({ kind: 'frame-id-clamped', index, detail: `frame id ${end} clamped to ${last}` });
      end = last;
      start = Math.min(start, last);
    }
    return {
      startFrameId: start,
      endFrameId: end,
      seconds: timeline.secondsOfFrameIdSpan({ startFrameId: start, endFrameId: end }),
    };
  }
  return { startFrameId: start, endFrameId: end };
}
