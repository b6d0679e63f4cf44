import type { BackendSelection, OrtExecutionProviderName, TfjsBackendName } from './backend.js';
import { candidatesFor, type DeviceName } from './device.js';
import { ORT_CANDIDATES } from './ort/candidates.js';
import { BackendRegistry } from './registry.js';
import { TFJS_CANDIDATES, TFJS_CORE_BACKEND } from './tfjs/candidates.js';
import { tf } from './tfjs/tf.js';

/** The process-wide registry with every built-in candidate of both runtimes. */
export const defaultRegistry: BackendRegistry = createDefaultRegistry();

/** A fresh registry with the built-in candidates (tests use one to start with clean probe verdicts). */
export function createDefaultRegistry(): BackendRegistry {
  const registry = new BackendRegistry();
  for (const candidate of [...TFJS_CANDIDATES, ...ORT_CANDIDATES]) registry.register(candidate);
  return registry;
}

export interface SelectOptions {
  /** The device the user asked for. @defaultValue `VIDEOLOOM_DEVICE`, else `auto` */
  readonly device?: DeviceName | string;
  /** @defaultValue process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @defaultValue defaultRegistry */
  readonly registry?: BackendRegistry;
}

/**
 * Resolves the device for TensorFlow.js and makes the chosen backend active (awaited), so tensors
 * created afterwards live on it. Throws `BackendUnavailableError` listing every attempt.
 */
export async function selectTfjsBackend(
  options: SelectOptions = {},
): Promise<BackendSelection<TfjsBackendName>> {
  const request = candidatesFor('tfjs', options.device, options.env);
  const selection = await (options.registry ?? defaultRegistry).resolve(
    'tfjs',
    request.device,
    request.candidates,
  );
  await tf.setBackend(TFJS_CORE_BACKEND[selection.name]);
  await tf.ready();
  return selection;
}

/** Resolves the device for ONNX Runtime: the execution provider sessions should be created with. */
export async function selectOrtExecutionProvider(
  options: SelectOptions = {},
): Promise<BackendSelection<OrtExecutionProviderName>> {
  const request = candidatesFor('ort', options.device, options.env);
  return (options.registry ?? defaultRegistry).resolve('ort', request.device, request.candidates);
}
