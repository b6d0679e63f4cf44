import type { OrtExecutionProviderName, TfjsBackendName } from './backend.js';
import { UnsupportedDeviceError } from './errors/unsupported-device-error.js';

/** The device names users type (CLI `--device`, `VIDEOLOOM_DEVICE`). */
export type DeviceName = 'auto' | 'cpu' | 'wasm' | 'gpu' | 'cuda';

/** For each device, the candidates of each runtime that honour it, in the order they are tried. */
export interface DeviceCandidates {
  readonly tfjs: readonly TfjsBackendName[];
  readonly ort: readonly OrtExecutionProviderName[];
}

/**
 * The one table from device names to backends. `auto` lists everything, fastest first, and falls
 * through on failure; every other name lists only what honours it and fails when none does.
 * `wasm` has no ONNX Runtime counterpart in Node, so its ORT side is the CPU provider.
 */
export const DEVICE_TABLE: Readonly<Record<DeviceName, DeviceCandidates>> = Object.freeze({
  auto: { tfjs: ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'], ort: ['cuda', 'cpu'] },
  cpu: { tfjs: ['tfjs-node', 'wasm', 'cpu'], ort: ['cpu'] },
  wasm: { tfjs: ['wasm'], ort: ['cpu'] },
  gpu: { tfjs: ['tfjs-node-gpu'], ort: ['cuda'] },
  cuda: { tfjs: ['tfjs-node-gpu'], ort: ['cuda'] },
});

export const DEVICE_NAMES = Object.freeze(Object.keys(DEVICE_TABLE) as DeviceName[]);
export const TFJS_BACKEND_NAMES: readonly TfjsBackendName[] = Object.freeze([
  'tfjs-node-gpu',
  'tfjs-node',
  'wasm',
  'cpu',
]);
export const ORT_EXECUTION_PROVIDER_NAMES: readonly OrtExecutionProviderName[] = Object.freeze([
  'cuda',
  'cpu',
]);

/** Environment variables that override the device choice. */
export const DEVICE_ENV = Object.freeze({
  /** Default device when the caller passes none (or `undefined`). */
  device: 'VIDEOLOOM_DEVICE',
  /** Forces one TensorFlow.js backend, whatever the device says. */
  tfjsBackend: 'VIDEOLOOM_TFJS_BACKEND',
  /** Forces one ONNX Runtime execution provider, whatever the device says. */
  ortExecutionProvider: 'VIDEOLOOM_ORT_EP',
});

/** Validates a device name typed by a user. */
export function parseDeviceName(value: string, source = 'device'): DeviceName {
  const name = value.trim().toLowerCase();
  if ((DEVICE_NAMES as readonly string[]).includes(name)) return name as DeviceName;
  throw new UnsupportedDeviceError(source, value, DEVICE_NAMES);
}

/** The candidate list for one runtime after applying the precedence rules below. */
export interface ResolvedDeviceRequest<Name extends string> {
  /** Label used in messages: the device name, or `VIDEOLOOM_TFJS_BACKEND=wasm` style for overrides. */
  readonly device: string;
  readonly candidates: readonly Name[];
}

/**
 * Precedence, most specific first: the runtime's own override (`VIDEOLOOM_TFJS_BACKEND` /
 * `VIDEOLOOM_ORT_EP`), then the `device` argument, then `VIDEOLOOM_DEVICE`, then `auto`.
 * An override names one candidate exactly, so a debugging user gets that backend or an error.
 */
export function candidatesFor(
  runtime: 'tfjs',
  device?: DeviceName | string,
  env?: NodeJS.ProcessEnv,
): ResolvedDeviceRequest<TfjsBackendName>;
export function candidatesFor(
  runtime: 'ort',
  device?: DeviceName | string,
  env?: NodeJS.ProcessEnv,
): ResolvedDeviceRequest<OrtExecutionProviderName>;
export function candidatesFor(
  runtime: 'tfjs' | 'ort',
  device?: DeviceName | string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedDeviceRequest<string> {
  const overrideVar = runtime === 'tfjs' ? DEVICE_ENV.tfjsBackend : DEVICE_ENV.ortExecutionProvider;
  const override = env[overrideVar]?.trim();
  if (override) {
    const known: readonly string[] = runtime === 'tfjs' ? TFJS_BACKEND_NAMES : ORT_EXECUTION_PROVIDER_NAMES;
    const name = override.toLowerCase();
    if (!known.includes(name)) throw new UnsupportedDeviceError(overrideVar, override, known);
    return { device: `${overrideVar}=${name}`, candidates: [name] };
  }
  const envDevice = env[DEVICE_ENV.device]?.trim();
  const deviceName =
    device !== undefined
      ? parseDeviceName(device)
      : envDevice
        ? parseDeviceName(envDevice, DEVICE_ENV.device)
        : 'auto';
  return { device: deviceName, candidates: DEVICE_TABLE[deviceName][runtime] };
}
