/**
 * The marker every VideoLoom error carries (a registered symbol, so any copy of any package agrees).
 * The data package copies the convention instead of importing backend, which it must not depend on.
 */
export const VIDEOLOOM_ERROR_MARKER: unique symbol = Symbol.for('videoloom.error') as never;

/** Base class of the data package's errors; each subclass adds its own `Symbol.for` marker. */
export abstract class DataError extends Error {
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
