import { markerCheck, TokenizerError } from './tokenizer-error.js';

const marker = Symbol.for('videoloom.error.TokenizerLoadError');

/** A tokenizer file is missing, unreadable, or not a byte-level BPE `tokenizer.json` we can use. */
export class TokenizerLoadError extends TokenizerError {
  readonly [marker] = true;
  readonly name = 'VL_TokenizerLoadError' as const;
  static readonly isInstance = markerCheck<TokenizerLoadError>(marker);

  constructor(
    /** The file that failed (or a label for in-memory JSON). */
    readonly path: string,
    /** What was wrong, in words. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot load tokenizer file ${path}: ${problem}. Pass the folder of a Hugging Face tokenizer.json ` +
        '(with tokenizer_config.json beside it when the model has one), or use loadInternVL3Tokenizer().',
      options,
    );
  }
}
