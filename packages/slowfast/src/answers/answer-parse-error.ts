// Errors of the answer parsers (same convention as every @videoloom error: `VL_` name, the shared
// `Symbol.for('videoloom.error')` marker, a per-class marker behind `isInstance`).

const VIDEOLOOM_ERROR: unique symbol = Symbol.for('videoloom.error') as never;
const marker = Symbol.for('videoloom.error.AnswerParseError');

/** The answer formats of the paper's Fig. 9 and Fig. 11. */
export type AnswerFormat =
  | 'temporal-grounding'
  | 'dense-captioning'
  | 'highlight-detection'
  | 'segmentation'
  | 'annotation';

/** Why an answer could not be read at all (recoverable oddities are `AnswerIssue`s instead). */
export type AnswerParseFailure =
  | 'no-frame-range'
  | 'missing-end-frame'
  | 'no-events'
  | 'no-frame-ids'
  | 'missing-scores'
  | 'no-seg-token'
  | 'frame-id-out-of-range';

/** A model answer that does not contain what its format requires; holds the raw text for logs. */
export class AnswerParseError extends Error {
  readonly [VIDEOLOOM_ERROR] = true;
  readonly [marker] = true;
  override readonly name = 'VL_AnswerParseError' as const;
  static readonly isInstance = (value: unknown): value is AnswerParseError =>
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;

  constructor(
    readonly format: AnswerFormat,
    readonly reason: AnswerParseFailure,
    /** The model's text exactly as given. */
    readonly rawText: string,
    detail: string,
  ) {
    const shown = rawText.length > 200 ? `${rawText.slice(0, 200)}…` : rawText;
    super(`Cannot read a ${format} answer (${reason}): ${detail}. Answer was: ${JSON.stringify(shown)}`);
  }
}
