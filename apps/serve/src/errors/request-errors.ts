import { markerCheck, ServeError } from './serve-error.js';

const requestMarker = Symbol.for('videoloom.error.ServeRequestError');
const queueFullMarker = Symbol.for('videoloom.error.QueueFullError');

/**
 * Stable machine-readable codes of the JSON error body `{ error: { code, message, field? } }`.
 * The README lists which status each one comes with.
 */
export type ServeErrorCode =
  | 'invalid_body'
  | 'invalid_field'
  | 'unknown_field'
  | 'invalid_multipart'
  | 'missing_file'
  | 'too_many_files'
  | 'not_found'
  | 'video_not_found'
  | 'method_not_allowed'
  | 'file_too_large'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'range_not_satisfiable'
  | 'not_a_video'
  | 'video_too_long'
  | 'video_not_decodable'
  | 'queue_full'
  | 'engine_not_ready'
  | 'engine_failed'
  | 'server_closing'
  | 'internal_error';

/**
 * A request the server refuses or could not serve, with the HTTP status and the JSON body it becomes.
 * `field` names the input that is wrong (a body field, `file`, a path parameter) when there is one.
 */
export class ServeRequestError extends ServeError {
  readonly [requestMarker] = true;
  readonly name: `VL_${string}` = 'VL_ServeRequestError';
  static readonly isInstance = markerCheck<ServeRequestError>(requestMarker);

  constructor(
    readonly status: number,
    readonly code: ServeErrorCode,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The response body. */
  toJSON(): { error: { code: ServeErrorCode; message: string; field?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
      },
    };
  }
}

/** 429: every engine slot is busy and the wait queue is full. */
export class QueueFullError extends ServeRequestError {
  readonly [queueFullMarker] = true;
  override readonly name = 'VL_QueueFullError' as const;
  static override readonly isInstance = markerCheck<QueueFullError>(queueFullMarker);

  constructor(
    readonly running: number,
    readonly waiting: number,
    /** Seconds after which a retry is likely to find room (the Retry-After header). */
    readonly retryAfterSeconds: number,
  ) {
    super(
      429,
      'queue_full',
      `The server is busy: ${running} question(s) running and ${waiting} waiting, which is all it takes ` +
        `(--concurrency, --queue-size). Retry in about ${retryAfterSeconds} s.`,
    );
  }
}
