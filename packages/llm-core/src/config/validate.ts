import { ModelConfigError } from '../errors/index.js';

/** Reads a positive integer field, or its default; throws `ModelConfigError` naming the field. */
export function positiveInt(
  value: unknown,
  field: string,
  fallback: number | undefined,
  path?: string,
): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ModelConfigError(field, 'a positive integer', value, path);
  }
  return v;
}

/** Reads a positive finite number field, or its default. */
export function positiveNumber(
  value: unknown,
  field: string,
  fallback: number | undefined,
  path?: string,
): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ModelConfigError(field, 'a positive finite number', value, path);
  }
  return v;
}

/** Reads a number in [0, 1), or its default. */
export function probability(value: unknown, field: string, fallback: number, path?: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !(v >= 0 && v < 1))
    throw new ModelConfigError(field, 'a number in [0, 1)', value, path);
  return v;
}

/** Reads a token id (non-negative integer); `undefined` when absent and optional. */
export function tokenId(value: unknown, field: string, path?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ModelConfigError(
      field,
      'a token id (non-negative integer, read from the tokenizer files)',
      value,
      path,
    );
  }
  return value;
}

/** Throws when `condition` is false. */
export function requireThat(
  condition: boolean,
  field: string,
  expected: string,
  received: unknown,
  path?: string,
): void {
  if (!condition) throw new ModelConfigError(field, expected, received, path);
}
