import { markerCheck, Sam2Error } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.Sam2StageContractError');

/**
 * One of the four SAM2 graphs does not declare the inputs/outputs of the bridge's contract
 * (reference section 5): wrong names, dtypes or shapes. Raised at load time, before any frame runs.
 */
export class Sam2StageContractError extends Sam2Error {
  readonly [marker] = true;
  readonly name = 'VL_Sam2StageContractError' as const;
  static readonly isInstance = markerCheck<Sam2StageContractError>(marker);

  constructor(
    /** Which stage: image_encoder, mask_decoder, memory_encoder or memory_attention. */
    readonly stage: string,
    /** The graph file (or label) that was loaded. */
    readonly path: string,
    /** Every input/output that is missing or differs, as "expected ..., model declares ..." lines. */
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `SAM2 stage "${stage}" (${path}) does not match the bridge's graph contract:\n${problems
        .map((p) => `  - ${p}`)
        .join(
          '\n',
        )}\nRe-export the graph with tools/sam2/export_sam2.py, or check that the manifest names the right file.`,
      options,
    );
  }
}
