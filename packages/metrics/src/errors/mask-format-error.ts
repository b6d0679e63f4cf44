import { MetricsError, markerCheck } from './metrics-error.js';

const marker = Symbol.for('videoloom.error.MaskFormatError');

/** A mask (RLE, PNG or raw) that cannot be decoded or whose size does not match. */
export class MaskFormatError extends MetricsError {
  readonly [marker] = true;
  readonly name = 'VL_MaskFormatError' as const;
  static readonly isInstance = markerCheck<MaskFormatError>(marker);

  constructor(
    readonly path: string,
    readonly expected: string,
    readonly received: string,
    readonly frameIndex?: number,
  ) {
    super(
      `Mask ${path}${frameIndex === undefined ? '' : ` (frame ${frameIndex})`}: expected ${expected}, received ${received}. ` +
        'Re-export the mask (COCO RLE or palette PNG) at the video resolution.',
    );
  }
}
