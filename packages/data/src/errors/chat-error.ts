import { DataError, markerCheck } from './data-error.js';

const marker = Symbol.for('videoloom.error.ChatRequestError');

/** A chat-completions request failed for good (non-retryable status, or retries used up). */
export class ChatRequestError extends DataError {
  readonly [marker] = true;
  readonly name = 'VL_ChatRequestError' as const;
  static readonly isInstance = markerCheck<ChatRequestError>(marker);

  constructor(
    /** The endpoint URL. */
    readonly url: string,
    /** Last HTTP status, or undefined for a network error or timeout. */
    readonly status: number | undefined,
    /** Number of attempts made. */
    readonly attempts: number,
    /** Why the last attempt failed. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Chat completion at ${url} failed after ${attempts} attempt(s): ${reason}. ` +
        'Check baseUrl, model and the API key environment variable, or raise maxRetries / timeoutMs.',
      options,
    );
  }
}
