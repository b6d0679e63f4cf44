import { LlmCoreError, markerCheck } from './llm-core-error.js';

const marker = Symbol.for('videoloom.error.TensorShapeError');

/** A tensor passed to a model function has the wrong rank, shape or dtype. */
export class TensorShapeError extends LlmCoreError {
  readonly [marker] = true;
  readonly name = 'VL_TensorShapeError' as const;
  static readonly isInstance = markerCheck<TensorShapeError>(marker);

  constructor(
    readonly tensorName: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(
      `Input ${tensorName}: expected ${expected}, received ${received}. Reshape or recompute the input to match.`,
    );
  }
}
