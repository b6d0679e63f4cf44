import type { BackendCandidate, ProbeResult, TfjsBackendName } from '../backend.js';
import { describeError } from '../registry.js';
import { tf } from './tf.js';

/** The tfjs backend name each candidate registers inside tfjs-core. */
export const TFJS_CORE_BACKEND: Readonly<Record<TfjsBackendName, string>> = Object.freeze({
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
});

/** Imports a module that may be absent. The specifier is a variable so no bundler resolves it at build time. */
export async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

function nativeCandidate(
  name: 'tfjs-node-gpu' | 'tfjs-node',
  priority: number,
): BackendCandidate<TfjsBackendName> {
  const moduleName = `@tensorflow/${name}`;
  return {
    runtime: 'tfjs',
    name,
    priority,
    accelerator: name === 'tfjs-node-gpu' ? 'gpu' : 'cpu',
    async probe(): Promise<ProbeResult> {
      try {
        await importOptional(moduleName);
      } catch (error) {
        const message = describeError(error);
        const notInstalled = /Cannot find (package|module)|ERR_MODULE_NOT_FOUND|Could not resolve/.test(
          message,
        );
        const noAddon = /native addon|tfjs_binding\.node/.test(message);
        return {
          available: false,
          reason: notInstalled
            ? `${moduleName} is not installed`
            : noAddon
              ? `${moduleName} is installed without its native addon (its install script, which downloads libtensorflow, did not run)`
              : `${moduleName} failed to load: ${message}`,
          fix: `npm install ${moduleName}@${tf.version_core} (its install script downloads libtensorflow${name === 'tfjs-node-gpu' ? ' with CUDA' : ''}; it needs network access)`,
        };
      }
      if (!tf.findBackendFactory('tensorflow')) {
        return {
          available: false,
          reason: `${moduleName} loaded but registered its backend with another copy of @tensorflow/tfjs-core (need ${tf.version_core})`,
          fix: `install ${moduleName}@${tf.version_core} so it shares our tfjs-core`,
        };
      }
      return initialise('tensorflow');
    },
  };
}

async function initialise(coreName: string): Promise<ProbeResult> {
  const previous = currentBackendName();
  try {
    const ok = await tf.setBackend(coreName);
    if (!ok) return { available: false, reason: `tfjs could not initialise backend "${coreName}"` };
    await tf.ready();
    return { available: true };
  } catch (error) {
    return {
      available: false,
      reason: `tfjs could not initialise backend "${coreName}": ${describeError(error)}`,
    };
  } finally {
    if (previous && previous !== coreName) await tf.setBackend(previous);
  }
}

/** The active tfjs-core backend name, or undefined before any was set. */
export function currentBackendName(): string | undefined {
  // tf.getBackend() initialises the default backend as a side effect; the registry of instantiated
  // backends tells without doing so.
  const engine = tf.engine() as unknown as { backendName?: string | null };
  return engine.backendName ?? undefined;
}

export const TFJS_CANDIDATES: readonly BackendCandidate<TfjsBackendName>[] = [
  nativeCandidate('tfjs-node-gpu', 40),
  nativeCandidate('tfjs-node', 30),
  {
    runtime: 'tfjs',
    name: 'wasm',
    priority: 20,
    accelerator: 'cpu',
    async probe() {
      try {
        await importOptional('@tensorflow/tfjs-backend-wasm');
      } catch (error) {
        return {
          available: false,
          reason: `@tensorflow/tfjs-backend-wasm failed to load: ${describeError(error)}`,
          fix: 'reinstall dependencies (pnpm install)',
        };
      }
      return initialise('wasm');
    },
  },
  {
    runtime: 'tfjs',
    name: 'cpu',
    priority: 10,
    accelerator: 'cpu',
    probe: () => initialise('cpu'),
  },
];
