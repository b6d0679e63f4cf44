import type { Runtime } from './backend.js';
import { candidatesFor, type DeviceName } from './device.js';
import { BackendUnavailableError } from './errors/backend-unavailable-error.js';
import type { BackendRegistry } from './registry.js';
import { defaultRegistry } from './select.js';

/** One candidate as the doctor shows it. */
export interface BackendDescription {
  readonly runtime: Runtime;
  readonly name: string;
  readonly priority: number;
  readonly accelerator: 'cpu' | 'gpu';
  readonly available: boolean;
  readonly reason?: string;
  readonly fix?: string;
  readonly detail?: string;
}

export interface BackendReport {
  readonly candidates: readonly BackendDescription[];
  /** What `auto` (or the given device) resolves to per runtime, or why it cannot. */
  readonly chosen: Readonly<
    Record<Runtime, { readonly device: string; readonly name: string | null; readonly error?: string }>
  >;
}

/** Probes every registered candidate and reports availability, reasons, fixes and the choice for `device`. */
export async function describeBackends(
  options: { device?: DeviceName | string; env?: NodeJS.ProcessEnv; registry?: BackendRegistry } = {},
): Promise<BackendReport> {
  const registry = options.registry ?? defaultRegistry;
  const candidates: BackendDescription[] = [];
  for (const runtime of ['tfjs', 'ort'] as const) {
    for (const c of registry.list(runtime)) {
      const verdict = await registry.probe(runtime, c.name);
      candidates.push({
        runtime,
        name: c.name,
        priority: c.priority,
        accelerator: c.accelerator,
        available: verdict.available,
        ...(verdict.available
          ? verdict.detail
            ? { detail: verdict.detail }
            : {}
          : { reason: verdict.reason }),
        ...(!verdict.available && verdict.fix ? { fix: verdict.fix } : {}),
      });
    }
  }
  const chosen = {} as Record<Runtime, { device: string; name: string | null; error?: string }>;
  for (const runtime of ['tfjs', 'ort'] as const) {
    const request = candidatesFor(runtime as 'tfjs', options.device, options.env);
    try {
      const selection = await registry.resolve(runtime, request.device, request.candidates);
      chosen[runtime] = { device: request.device, name: selection.name };
    } catch (error) {
      if (!BackendUnavailableError.isInstance(error)) throw error;
      chosen[runtime] = { device: request.device, name: null, error: error.message };
    }
  }
  return { candidates, chosen };
}
