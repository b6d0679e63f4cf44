import { MetricsError, markerCheck } from './metrics-error.js';

const marker = Symbol.for('videoloom.error.ScorerUnavailableError');

/** An external official scorer (the METEOR 1.5 jar, java) is missing or failed. */
export class ScorerUnavailableError extends MetricsError {
  readonly [marker] = true;
  readonly name = 'VL_ScorerUnavailableError' as const;
  static readonly isInstance = markerCheck<ScorerUnavailableError>(marker);

  constructor(
    readonly scorer: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${scorer} is unavailable: ${reason}`, options);
  }
}
