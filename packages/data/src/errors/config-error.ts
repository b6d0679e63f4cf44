import { DataError, markerCheck } from './data-error.js';

const marker = Symbol.for('videoloom.error.DataConfigError');

/** A pipeline or detector option is out of its valid range. */
export class DataConfigError extends DataError {
  readonly [marker] = true;
  readonly name = 'VL_DataConfigError' as const;
  static readonly isInstance = markerCheck<DataConfigError>(marker);

  constructor(
    /** Option name, dotted (e.g. `shots.contentThreshold`). */
    readonly option: string,
    /** The valid range or form. */
    readonly expected: string,
    /** The value given. */
    readonly received: unknown,
  ) {
    super(
      `Option ${option} must be ${expected}; received ${JSON.stringify(received)}. Fix the config and rerun.`,
    );
  }
}
