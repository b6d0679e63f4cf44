import { markerCheck, Sam2Error } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.Sam2WeightsError');

/** A safetensors weights file is malformed, lacks a tensor, or has a tensor of the wrong shape/dtype. */
export class Sam2WeightsError extends Sam2Error {
  readonly [marker] = true;
  readonly name = 'VL_Sam2WeightsError' as const;
  static readonly isInstance = markerCheck<Sam2WeightsError>(marker);

  constructor(
    readonly path: string,
    /** The tensor concerned, or "" for the file itself. */
    readonly tensorName: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(
      `Weights ${path}${tensorName ? `, tensor "${tensorName}"` : ''}: expected ${expected}, received ${received}. ` +
        'Write decoder weights with saveMaskDecoderWeights or tools/sam2/export_sam2.py.',
    );
  }
}
