import { BackendError, markerCheck } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.UnsupportedDeviceError');

/** A device, backend or execution-provider name that is not in the table. */
export class UnsupportedDeviceError extends BackendError {
  readonly [marker] = true;
  readonly name = 'VL_UnsupportedDeviceError' as const;
  static readonly isInstance = markerCheck<UnsupportedDeviceError>(marker);

  constructor(
    /** Where the name came from: an argument or an environment variable. */
    readonly source: string,
    readonly received: string,
    readonly expected: readonly string[],
  ) {
    super(`Unsupported ${source}: "${received}". Should be one of: ${expected.join(', ')}.`);
  }
}
