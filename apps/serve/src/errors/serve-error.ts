/**
 * The marker every VideoLoom error carries (a registered symbol, so any copy of any @videoloom package
 * recognises it without importing this one).
 */
export const VIDEOLOOM_ERROR_MARKER: unique symbol = Symbol.for('videoloom.error') as never;

/** Base class of the server's errors; each subclass has its own `Symbol.for` marker for `isInstance`. */
export abstract class ServeError extends Error {
  readonly [VIDEOLOOM_ERROR_MARKER] = true;
  abstract override readonly name: `VL_${string}`;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Builds the `isInstance` check of one error class from its own registered symbol. */
export function markerCheck<T>(marker: symbol): (value: unknown) => value is T {
  return (value: unknown): value is T =>
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}
