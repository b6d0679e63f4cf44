import { LlmCoreError, markerCheck } from './llm-core-error.js';

const marker = Symbol.for('videoloom.error.CheckpointMismatchError');

/** One tensor whose presence or shape differs between the config's expectation and the weights. */
export interface TensorMismatch {
  readonly tensorName: string;
  /** Shape the config implies; `null` when the config expects no such tensor. */
  readonly expected: readonly number[] | null;
  /** Shape stored in the weights; `null` when the tensor is missing. */
  readonly received: readonly number[] | null;
}

/**
 * The weights do not fit the config: names missing or shapes differing. Raised before any tensor is
 * allocated, naming both files, the first differing tensors and the likely cause.
 */
export class CheckpointMismatchError extends LlmCoreError {
  readonly [marker] = true;
  readonly name = 'VL_CheckpointMismatchError' as const;
  static readonly isInstance = markerCheck<CheckpointMismatchError>(marker);

  constructor(
    readonly configPath: string,
    readonly weightsPath: string,
    readonly mismatches: readonly TensorMismatch[],
    readonly likelyCause: string,
  ) {
    const shown = mismatches
      .slice(0, 6)
      .map(
        (m) =>
          `  - ${m.tensorName}: expected ${m.expected ? `[${m.expected.join(', ')}]` : 'nothing'}, found ${m.received ? `[${m.received.join(', ')}]` : 'nothing'}`,
      )
      .join('\n');
    super(
      `Checkpoint ${weightsPath} does not match config ${configPath} (${mismatches.length} tensor(s) differ):\n${shown}${mismatches.length > 6 ? `\n  ... and ${mismatches.length - 6} more` : ''}\nLikely cause: ${likelyCause}`,
    );
  }
}
