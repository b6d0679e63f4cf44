// Errors of the sequence layout. Convention shared by every @videoloom package: a `VL_` name, the
// `Symbol.for('videoloom.error')` marker and a per-class marker behind a static `isInstance`.

const VIDEOLOOM_ERROR: unique symbol = Symbol.for('videoloom.error') as never;
const budgetMarker = Symbol.for('videoloom.error.SequenceBudgetError');
const inputMarker = Symbol.for('videoloom.error.LayoutInputError');

function markerCheck<T>(marker: symbol): (value: unknown) => value is T {
  return (value: unknown): value is T =>
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/** The prompt does not fit `maxSequenceLength`, and reducing the fast frames is forbidden or not enough. */
export class SequenceBudgetError extends Error {
  readonly [VIDEOLOOM_ERROR] = true;
  readonly [budgetMarker] = true;
  override readonly name = 'VL_SequenceBudgetError' as const;
  static readonly isInstance = markerCheck<SequenceBudgetError>(budgetMarker);

  constructor(
    /** Tokens the prompt needs with the smallest fast-frame count that was allowed. */
    readonly received: number,
    /** The budget (`maxSequenceLength`). */
    readonly expected: number,
    /** Fast frames requested. */
    readonly fastFrameCount: number,
    /** Why no reduction helped: 'reduction-forbidden' or 'fixed-part-too-long' (slow frames + text alone). */
    readonly reason: 'reduction-forbidden' | 'fixed-part-too-long',
  ) {
    super(
      reason === 'reduction-forbidden'
        ? `The prompt with ${fastFrameCount} fast frames needs ${received} tokens; the budget is ${expected}. ` +
            'Reducing the fast frames is forbidden (allowFastFrameReduction: false): sample fewer fast frames, ' +
            'shorten the question, or allow the reduction.'
        : `The prompt needs ${received} tokens even with 1 fast frame; the budget is ${expected}. ` +
            'The slow frames, question and answer alone are too long: shorten the question or use fewer slow frames.',
    );
  }
}

/** Bad layout input or configuration (no slow frames where required, a frame-id text without `{frameId}`...). */
export class LayoutInputError extends Error {
  readonly [VIDEOLOOM_ERROR] = true;
  readonly [inputMarker] = true;
  override readonly name = 'VL_LayoutInputError' as const;
  static readonly isInstance = markerCheck<LayoutInputError>(inputMarker);

  constructor(
    /** The input or config field at fault, e.g. `config.frameIdText` or `slowFrames[2].timeSeconds`. */
    readonly field: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(`${field} is ${received}; expected ${expected}.`);
  }
}
