import { markerCheck, TokenizerError } from './tokenizer-error.js';

const marker = Symbol.for('videoloom.error.TokenIdRangeError');

/** A token id to decode is not an integer in 0..vocabSize-1. */
export class TokenIdRangeError extends TokenizerError {
  readonly [marker] = true;
  readonly name = 'VL_TokenIdRangeError' as const;
  static readonly isInstance = markerCheck<TokenIdRangeError>(marker);

  constructor(
    /** Position of the bad id in the input array. */
    readonly position: number,
    readonly received: number,
    /** Vocabulary size (ids must be below it). */
    readonly expected: number,
  ) {
    super(
      `ids[${position}] is ${received}; token ids must be integers in 0..${expected - 1}. ` +
        'Check that the ids come from this tokenizer (a model with a larger vocabulary needs its own tokenizer files).',
    );
  }
}
