import { markerCheck, ServeError } from './serve-error.js';

const optionMarker = Symbol.for('videoloom.error.InvalidServeOptionError');
const engineMarker = Symbol.for('videoloom.error.EngineUnavailableError');

/** A server option or command-line flag with a value it cannot take. */
export class InvalidServeOptionError extends ServeError {
  readonly [optionMarker] = true;
  readonly name = 'VL_InvalidServeOptionError' as const;
  static readonly isInstance = markerCheck<InvalidServeOptionError>(optionMarker);

  constructor(
    /** The option as the user wrote it, e.g. `--max-upload-mb` or `maxUploadBytes`. */
    readonly option: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(`${option}: expected ${expected}, received ${received}.`);
  }
}

/** The model engine could not be created or loaded (reported by /readyz and by asks). */
export class EngineUnavailableError extends ServeError {
  readonly [engineMarker] = true;
  readonly name = 'VL_EngineUnavailableError' as const;
  static readonly isInstance = markerCheck<EngineUnavailableError>(engineMarker);

  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The VideoLoom engine is unavailable: ${reason}`, options);
  }
}
