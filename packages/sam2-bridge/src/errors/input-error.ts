import { markerCheck, Sam2Error } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.Sam2InputError');

/** A frame, embedding, keyframe list or option given to the bridge is malformed. */
export class Sam2InputError extends Sam2Error {
  readonly [marker] = true;
  readonly name = 'VL_Sam2InputError' as const;
  static readonly isInstance = markerCheck<Sam2InputError>(marker);

  constructor(
    /** Which input: "frame", "segEmbedding", "keyframes", "mask", ... */
    readonly input: string,
    readonly expected: string,
    readonly received: string,
    /** The decoded-video position concerned, when there is one. */
    readonly frameIndex?: number,
  ) {
    super(
      `Bad ${input}${frameIndex === undefined ? '' : ` at frameIndex ${frameIndex}`}: expected ${expected}, received ${received}.`,
    );
  }
}
