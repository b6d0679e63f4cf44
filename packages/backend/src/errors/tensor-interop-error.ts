import { BackendError, markerCheck } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.TensorInteropError');

/** A tensor cannot be moved between runtimes (dtype with no counterpart, data that does not fit the shape). */
export class TensorInteropError extends BackendError {
  readonly [marker] = true;
  readonly name = 'VL_TensorInteropError' as const;
  static readonly isInstance = markerCheck<TensorInteropError>(marker);

  constructor(
    readonly tensorName: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(`Tensor ${tensorName}: expected ${expected}, received ${received}.`);
  }
}
