import { markerCheck, TokenizerError } from './tokenizer-error.js';

const marker = Symbol.for('videoloom.error.EngineUnavailableError');

/** The native engine was requested explicitly but `@anush008/tokenizers` cannot be loaded here. */
export class EngineUnavailableError extends TokenizerError {
  readonly [marker] = true;
  readonly name = 'VL_EngineUnavailableError' as const;
  static readonly isInstance = markerCheck<EngineUnavailableError>(marker);

  constructor(
    readonly engine: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Tokenizer engine "${engine}" is unavailable: ${reason}. Install @anush008/tokenizers (it ships a prebuilt ` +
        'binary for linux/macOS/windows x64 and arm64), or use engine "js" (the default) or "auto".',
      options,
    );
  }
}
