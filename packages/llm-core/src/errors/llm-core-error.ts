/** The marker every VideoLoom error carries (shared by all packages through the global symbol registry). */
export const VIDEOLOOM_ERROR_MARKER: unique symbol = Symbol.for('videoloom.error') as never;

/** Base class of llm-core's errors; each subclass adds its own `Symbol.for` marker for `isInstance`. */
export abstract class LlmCoreError extends Error {
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
