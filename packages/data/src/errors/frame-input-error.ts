import { DataError, markerCheck } from './data-error.js';

const marker = Symbol.for('videoloom.error.FrameInputError');

/** A decoded frame handed to a stage is not what the stage needs (size changed, wrong buffer length, out of order). */
export class FrameInputError extends DataError {
  readonly [marker] = true;
  readonly name = 'VL_FrameInputError' as const;
  static readonly isInstance = markerCheck<FrameInputError>(marker);

  constructor(
    /** Index of the offending frame in the decoded video. */
    readonly frameIndex: number,
    /** What the stage expected. */
    readonly expected: string,
    /** What it received. */
    readonly received: string,
  ) {
    super(
      `Frame ${frameIndex}: expected ${expected}, received ${received}. ` +
        'Pass frames of one video in decoding order, each as width*height*3 RGB bytes of the same size.',
    );
  }
}
