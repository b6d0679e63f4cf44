import { OpNotImplementedError } from '../errors/op-not-implemented-error.js';
import type { OpName } from '../op-names.js';
import { currentBackendName } from '../tfjs/candidates.js';
import { tf } from '../tfjs/tf.js';

/** One implementation of one op for the listed tfjs-core backends. */
export interface KernelConfig<Args extends unknown[] = never[], Result = tf.Tensor> {
  readonly opName: OpName;
  /** tfjs-core backend names this implementation runs on (`cpu`, `wasm`, `tensorflow`). */
  readonly backendNames: readonly string[];
  readonly kernelFunc: (...args: Args) => Result;
}

const kernels = new Map<string, KernelConfig<never[], unknown>>();

export function registerKernel<Args extends unknown[], Result>(config: KernelConfig<Args, Result>): void {
  for (const backend of config.backendNames) kernels.set(`${backend}:${config.opName}`, config as never);
}

/** The backends that implement `opName`. */
export function backendsImplementing(opName: OpName): string[] {
  return [...kernels.keys()].filter((k) => k.endsWith(`:${opName}`)).map((k) => k.slice(0, k.indexOf(':')));
}

/** Looks up `opName` for the active tfjs backend; `OpNotImplementedError` names the alternatives. */
export function getKernel<Args extends unknown[], Result>(opName: OpName): (...args: Args) => Result {
  const backend = currentBackendName() ?? tf.getBackend();
  const config = kernels.get(`${backend}:${opName}`);
  if (!config) throw new OpNotImplementedError(opName, backend, backendsImplementing(opName));
  return config.kernelFunc as unknown as (...args: Args) => Result;
}
