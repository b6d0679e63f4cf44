const VIDEOLOOM_ERROR = Symbol.for('videoloom.error');

/** A training input (split folder, video, truth file, config) that cannot be used, and why. */
export class TrainingDataError extends Error {
  readonly [VIDEOLOOM_ERROR] = true;
  override readonly name = 'VL_TrainingDataError';
  constructor(
    /** The file or field at fault. */
    readonly input: string,
    readonly problem: string,
  ) {
    super(`${input}: ${problem}`);
  }
}
