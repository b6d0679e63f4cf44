import { BackendError, markerCheck } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.ModelContractError');

/** A loaded ONNX model's inputs or outputs differ from the contract the caller requires. */
export class ModelContractError extends BackendError {
  readonly [marker] = true;
  readonly name = 'VL_ModelContractError' as const;
  static readonly isInstance = markerCheck<ModelContractError>(marker);

  constructor(
    readonly model: string,
    readonly problems: readonly string[],
  ) {
    super(`Model ${model} does not meet its contract:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
