import { DataError, markerCheck } from './data-error.js';

const marker = Symbol.for('videoloom.error.StageInputError');

/** A stage found a per-video input file missing or malformed (e.g. an earlier stage's output was edited by hand). */
export class StageInputError extends DataError {
  readonly [marker] = true;
  readonly name = 'VL_StageInputError' as const;
  static readonly isInstance = markerCheck<StageInputError>(marker);

  constructor(
    /** The file that was read. */
    readonly path: string,
    /** What was wrong. */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}. Delete the file to let its stage write it again, then rerun.`);
  }
}
