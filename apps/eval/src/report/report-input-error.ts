import { VIDEOLOOM_ERROR_MARKER } from '@videoloom/metrics';

const marker = Symbol.for('videoloom.error.ReportInputError');

/**
 * An input of `videoloom-eval report` / `ablation` that cannot be used: a missing folder, a report JSON
 * of another format, two runs scored on different ground truth, a malformed argument. `input` names
 * the file, folder or argument; `item` the LoomBench item when there is one.
 */
export class ReportInputError extends Error {
  readonly [VIDEOLOOM_ERROR_MARKER] = true;
  readonly [marker] = true;
  override readonly name = 'VL_ReportInputError' as const;
  static isInstance(value: unknown): value is ReportInputError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  constructor(
    readonly input: string,
    readonly item: string | undefined,
    readonly problem: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(
      `${input}${item === undefined ? '' : ` (item ${item})`}: ${problem}; expected ${expected}, received ${received}.`,
    );
  }
}
