import type * as OrtModule from 'onnxruntime-node';

export type Ort = typeof OrtModule;

let ortPromise: Promise<Ort> | undefined;

/**
 * Loads onnxruntime-node on first use only: its native library is large, and packages that import
 * @videoloom/backend for tfjs alone should not pay for it.
 */
export function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return ortPromise;
}
