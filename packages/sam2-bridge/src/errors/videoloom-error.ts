/**
 * The marker every VideoLoom error carries (a registered symbol, so any copy of any package
 * recognises it). This package copies the convention instead of importing it.
 */
export const VIDEOLOOM_ERROR_MARKER: unique symbol = Symbol.for('videoloom.error') as never;

/** Base class of the sam2-bridge errors; each subclass adds its own `Symbol.for` marker. */
export abstract class Sam2Error extends Error {
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

/** True for any error thrown by a @videoloom package (any copy, any version). */
export function isVideoLoomError(value: unknown): value is Error & { name: `VL_${string}` } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[VIDEOLOOM_ERROR_MARKER] === true
  );
}
