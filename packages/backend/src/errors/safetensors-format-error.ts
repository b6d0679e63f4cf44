import { BackendError, markerCheck } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.SafetensorsFormatError');

/** A safetensors file (or its sharded index) is malformed or holds an unsupported dtype. */
export class SafetensorsFormatError extends BackendError {
  readonly [marker] = true;
  readonly name = 'VL_SafetensorsFormatError' as const;
  static readonly isInstance = markerCheck<SafetensorsFormatError>(marker);

  constructor(
    readonly path: string,
    readonly problem: string,
    readonly tensorName?: string,
  ) {
    super(
      `Safetensors file ${path}${tensorName ? ` (tensor "${tensorName}")` : ''}: ${problem}. Re-export the checkpoint, or check the file was fully downloaded (not a Git LFS pointer).`,
    );
  }
}
