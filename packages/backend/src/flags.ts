/**
 * Capability flags, evaluated lazily on first read and cached; tests may set them outright so a
 * run is the same with or without the hardware.
 */
export type FlagName = 'simd' | 'threads' | 'cuda';

type Evaluator = () => boolean | Promise<boolean>;

const evaluators = new Map<FlagName, Evaluator>();
const values = new Map<FlagName, Promise<boolean>>();

export function registerFlag(name: FlagName, evaluator: Evaluator): void {
  evaluators.set(name, evaluator);
  values.delete(name);
}

/** Reads a flag, evaluating it on first use. An evaluator that throws reads as false. */
export function getFlag(name: FlagName): Promise<boolean> {
  let value = values.get(name);
  if (!value) {
    const evaluator = evaluators.get(name);
    value = evaluator
      ? Promise.resolve()
          .then(evaluator)
          .catch(() => false)
      : Promise.resolve(false);
    values.set(name, value);
  }
  return value;
}

/** Overrides a flag (tests, or a user forcing a code path). */
export function setFlag(name: FlagName, value: boolean): void {
  values.set(name, Promise.resolve(value));
}

/** Drops cached values and overrides; evaluators run again on the next read. */
export function resetFlags(): void {
  values.clear();
}

// A minimal module using one SIMD instruction (v128.const); validate() is false without SIMD.
const SIMD_PROBE = Uint8Array.from([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

const wasmApi = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } })
  .WebAssembly;
registerFlag('simd', () => wasmApi.validate(SIMD_PROBE));
// tfjs-backend-wasm runs single-threaded in Node: its threaded build needs browser workers.
registerFlag('threads', () => false);
registerFlag('cuda', async () => {
  const { defaultRegistry } = await import('./select.js');
  return (await defaultRegistry.probe('ort', 'cuda')).available;
});
