import type { BackendAttempt } from '../backend.js';
import { BackendError, markerCheck } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.BackendUnavailableError');

/** No candidate backend for the requested device could be used. `attempts` says why, one entry per candidate. */
export class BackendUnavailableError extends BackendError {
  readonly [marker] = true;
  readonly name = 'VL_BackendUnavailableError' as const;
  static readonly isInstance = markerCheck<BackendUnavailableError>(marker);

  constructor(
    /** The runtime that was being resolved. */
    readonly runtime: 'tfjs' | 'ort',
    /** The device the caller asked for (after env overrides). */
    readonly device: string,
    /** Every candidate tried, in order, with the reason it was refused. */
    readonly attempts: readonly BackendAttempt[],
  ) {
    const lines = attempts.map(
      (a) => `  - ${a.name}: ${a.reason ?? 'not tried'}${a.fix ? ` (fix: ${a.fix})` : ''}`,
    );
    super(
      `No ${runtime} backend can run device "${device}". Tried:\n${lines.join('\n')}\n` +
        `Use --device auto (or unset VIDEOLOOM_DEVICE) to fall back to whatever is available.`,
    );
  }
}
