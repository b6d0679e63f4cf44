import { LlmCoreError, markerCheck } from './llm-core-error.js';

const marker = Symbol.for('videoloom.error.ModelConfigError');

/** A model configuration value is missing, of the wrong type or inconsistent with another value. */
export class ModelConfigError extends LlmCoreError {
  readonly [marker] = true;
  readonly name = 'VL_ModelConfigError' as const;
  static readonly isInstance = markerCheck<ModelConfigError>(marker);

  constructor(
    /** Dotted path of the offending field, e.g. `decoder.numKeyValueHeads`. */
    readonly field: string,
    readonly expected: string,
    readonly received: unknown,
    /** The config file it came from, when there is one. */
    readonly path?: string,
  ) {
    super(
      `Model config${path ? ` ${path}` : ''}: field "${field}" is invalid: expected ${expected}, received ${JSON.stringify(received)}. Fix the config value (or the preset you started from).`,
    );
  }
}
