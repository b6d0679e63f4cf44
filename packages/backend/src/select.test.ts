import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from './errors/backend-unavailable-error.js';
import { createDefaultRegistry, selectOrtExecutionProvider, selectTfjsBackend } from './select.js';
import { tf } from './tfjs/tf.js';

describe('selection on this machine', () => {
  it('auto picks the first available tfjs backend and records the native ones it skipped', async () => {
    const registry = createDefaultRegistry();
    const nativeAvailable = (await registry.probe('tfjs', 'tfjs-node')).available;
    const selection = await selectTfjsBackend({ registry, env: {} });
    if (!nativeAvailable) {
      expect(selection.name).toBe('wasm');
      expect(selection.attempts.slice(0, 2).map((a) => a.name)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
      expect(selection.attempts[0]!.reason).toMatch(/@tensorflow\/tfjs-node-gpu/);
      expect(selection.attempts[0]!.fix).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
    }
    expect(tf.getBackend()).toBe(
      selection.name === 'wasm' ? 'wasm' : selection.name === 'cpu' ? 'cpu' : 'tensorflow',
    );
  });

  it('an explicit device that cannot be honoured throws with every attempt', async () => {
    const registry = createDefaultRegistry();
    if ((await registry.probe('ort', 'cuda')).available) return; // a CUDA machine honours it
    const error = await selectOrtExecutionProvider({ registry, device: 'cuda', env: {} }).catch(
      (e: unknown) => e,
    );
    expect(BackendUnavailableError.isInstance(error)).toBe(true);
    expect((error as BackendUnavailableError).attempts.map((a) => a.name)).toEqual(['cuda']);
  });

  it('ORT CPU is always available', async () => {
    const selection = await selectOrtExecutionProvider({ device: 'cpu', env: {} });
    expect(selection.name).toBe('cpu');
  });
});
