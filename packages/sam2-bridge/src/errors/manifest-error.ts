import { markerCheck, Sam2Error } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.Sam2ManifestError');

/** The manifest next to the graphs is missing, unreadable, or has a field with a wrong value. */
export class Sam2ManifestError extends Sam2Error {
  readonly [marker] = true;
  readonly name = 'VL_Sam2ManifestError' as const;
  static readonly isInstance = markerCheck<Sam2ManifestError>(marker);

  constructor(
    readonly path: string,
    /** The manifest field at fault (dotted path), or "" for the whole file. */
    readonly field: string,
    readonly expected: string,
    readonly received: string,
    options?: { cause?: unknown },
  ) {
    super(
      `SAM2 manifest ${path}: ${field ? `field "${field}"` : 'file'} is ${received}; expected ${expected}. ` +
        'Write the manifest with tools/sam2/export_sam2.py or fix the field by hand.',
      options,
    );
  }
}
