import { VIDEOLOOM_ERROR_MARKER } from '@videoloom/backend';

const marker = Symbol.for('videoloom.error.ModelConfigError');

/**
 * The JSON file that tells the data CLI how to run an ONNX model (its labels, input size, text
 * settings) is missing, unreadable, or has a field with a wrong value.
 */
export class ModelConfigError extends Error {
  readonly [VIDEOLOOM_ERROR_MARKER] = true;
  readonly [marker] = true;
  override readonly name = 'VL_ModelConfigError' as const;

  static isInstance(value: unknown): value is ModelConfigError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  constructor(
    /** The config file. */
    readonly path: string,
    /** The field at fault (dotted path), or "" for the whole file. */
    readonly field: string,
    readonly expected: string,
    readonly received: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Model config ${path}: ${field ? `field "${field}"` : 'file'} is ${received}; expected ${expected}.`,
      options,
    );
  }
}

/** Reads a JSON object from a file; every failure is a `ModelConfigError` naming the file. */
export async function readModelConfig(path: string): Promise<Record<string, unknown>> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ModelConfigError(path, '', 'a readable JSON file', 'missing or unreadable', { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ModelConfigError(path, '', 'JSON', 'unparseable text', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ModelConfigError(path, '', 'a JSON object', JSON.stringify(value).slice(0, 60));
  return value as Record<string, unknown>;
}

/** Field checks that throw `ModelConfigError` naming the field. */
export function fieldReader(path: string) {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new ModelConfigError(path, field, expected, JSON.stringify(value) ?? 'missing');
  };
  return {
    fail,
    positiveInt(field: string, value: unknown, fallback?: number): number {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
        return fail(field, 'a positive integer', value);
      return v;
    },
    number(field: string, value: unknown, fallback?: number): number {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail(field, 'a number', value);
      return v;
    },
    triple(
      field: string,
      value: unknown,
      fallback: readonly [number, number, number],
    ): [number, number, number] {
      const v = value ?? fallback;
      if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
        return fail(field, 'three numbers (R, G, B)', value);
      return v as [number, number, number];
    },
    strings(field: string, value: unknown): string[] {
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        !value.every((x) => typeof x === 'string' && x.length > 0)
      )
        return fail(field, 'a non-empty list of non-empty strings', value);
      return value as string[];
    },
  };
}
