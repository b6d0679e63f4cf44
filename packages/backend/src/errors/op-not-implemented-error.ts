import { BackendError, markerCheck } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.OpNotImplementedError');

/** A VideoLoom op has no implementation on the active backend. */
export class OpNotImplementedError extends BackendError {
  readonly [marker] = true;
  readonly name = 'VL_OpNotImplementedError' as const;
  static readonly isInstance = markerCheck<OpNotImplementedError>(marker);

  constructor(
    readonly opName: string,
    readonly backendName: string,
    readonly implementedOn: readonly string[],
  ) {
    super(
      `Op "${opName}" has no implementation on backend "${backendName}". ` +
        (implementedOn.length > 0
          ? `It is implemented on: ${implementedOn.join(', ')}; select one of those with --device or VIDEOLOOM_TFJS_BACKEND.`
          : 'No backend implements it.'),
    );
  }
}
