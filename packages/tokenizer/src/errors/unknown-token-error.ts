import { markerCheck, TokenizerError } from './tokenizer-error.js';

const marker = Symbol.for('videoloom.error.UnknownTokenError');

/** A token the caller needs (e.g. `[SEG]`, `<IMG_CONTEXT>`) is not in the loaded vocabulary. */
export class UnknownTokenError extends TokenizerError {
  readonly [marker] = true;
  readonly name = 'VL_UnknownTokenError' as const;
  static readonly isInstance = markerCheck<UnknownTokenError>(marker);

  constructor(
    readonly token: string,
    /** The tokenizer file it was looked up in. */
    readonly path: string,
  ) {
    super(
      `Token ${JSON.stringify(token)} is not in the vocabulary of ${path}. A VideoLoom checkpoint's ` +
        'tokenizer must declare it as an added token; use the InternVL3 tokenizer shipped with this package ' +
        'or the tokenizer files of the checkpoint.',
    );
  }
}
