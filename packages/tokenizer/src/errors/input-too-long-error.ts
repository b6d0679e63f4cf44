import { markerCheck, TokenizerError } from './tokenizer-error.js';

const marker = Symbol.for('videoloom.error.InputTooLongError');

/** A text to encode is longer than the tokenizer's `maxInputChars` cap; refused before any work starts. */
export class InputTooLongError extends TokenizerError {
  readonly [marker] = true;
  readonly name = 'VL_InputTooLongError' as const;
  static readonly isInstance = markerCheck<InputTooLongError>(marker);

  constructor(
    /** Length of the text, in UTF-16 code units (`string.length`). */
    readonly received: number,
    /** The cap in force. */
    readonly expected: number,
    /** Position of the text in a batch; undefined for a single encode. */
    readonly inputIndex?: number,
  ) {
    const which = inputIndex === undefined ? 'The text' : `Text ${inputIndex} of the batch`;
    super(
      `${which} has ${received} characters; the tokenizer accepts at most ${expected} ` +
        '(maxInputChars). Split the text, or load the tokenizer with a larger maxInputChars.',
    );
  }
}
