import { markerCheck, Sam2Error } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.MemoryBankError');

/**
 * The memory bank was asked for something its rules forbid: a frame outside the video, a frame stored
 * twice, or a memory that was already dropped because it can no longer be selected.
 */
export class MemoryBankError extends Sam2Error {
  readonly [marker] = true;
  readonly name = 'VL_MemoryBankError' as const;
  static readonly isInstance = markerCheck<MemoryBankError>(marker);

  constructor(
    readonly frameIndex: number,
    readonly expected: string,
    readonly received: string,
  ) {
    super(`Memory bank, frameIndex ${frameIndex}: expected ${expected}, received ${received}.`);
  }
}
