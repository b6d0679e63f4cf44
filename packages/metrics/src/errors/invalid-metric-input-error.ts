import { MetricsError, markerCheck } from './metrics-error.js';

const marker = Symbol.for('videoloom.error.InvalidMetricInputError');

/**
 * An input the official evaluator would crash on (or silently mis-score): raised instead of inventing a
 * number. `path` names the file (or `<memory>`), `item` the query / video / expression id.
 */
export class InvalidMetricInputError extends MetricsError {
  readonly [marker] = true;
  readonly name = 'VL_InvalidMetricInputError' as const;
  static readonly isInstance = markerCheck<InvalidMetricInputError>(marker);

  constructor(
    readonly path: string,
    readonly item: string | undefined,
    readonly problem: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(
      `${path}${item === undefined ? '' : ` (item ${item})`}: ${problem}; expected ${expected}, received ${received}. ` +
        'Fix the file or the prediction; the official evaluator fails on this input too.',
    );
  }
}
