import { DataError, markerCheck } from './data-error.js';

const marker = Symbol.for('videoloom.error.AnnotationRejectedError');

/** The model's action annotation of a shot stayed invalid after every retry; it is reported, never kept. */
export class AnnotationRejectedError extends DataError {
  readonly [marker] = true;
  readonly name = 'VL_AnnotationRejectedError' as const;
  static readonly isInstance = markerCheck<AnnotationRejectedError>(marker);

  constructor(
    /** The video the shot belongs to. */
    readonly videoId: string,
    /** The shot (after merging) whose annotation was rejected. */
    readonly shotIndex: number,
    /** The problems of the last answer, one line each. */
    readonly problems: readonly string[],
    /** How many answers were asked for. */
    readonly attempts: number,
    /** The last raw answer. */
    readonly lastAnswer: string,
  ) {
    super(
      `Video ${videoId}, shot ${shotIndex}: ${attempts} annotation answer(s) were all invalid. Last problems:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nThe shot is left unannotated; rerun the annotate stage (it retries only failed shots) or annotate it by hand.',
    );
  }
}
