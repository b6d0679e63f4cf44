import { describe, expect, it } from 'vitest';
import type { BackendCandidate, ProbeResult } from './backend.js';
import { BackendUnavailableError } from './errors/backend-unavailable-error.js';
import { BackendRegistry } from './registry.js';

function candidate(
  name: string,
  priority: number,
  verdict: ProbeResult | Error,
): BackendCandidate & { probes: number } {
  const c = {
    runtime: 'tfjs' as const,
    name,
    priority,
    accelerator: 'cpu' as const,
    probes: 0,
    async probe() {
      c.probes++;
      if (verdict instanceof Error) throw verdict;
      return verdict;
    },
  };
  return c;
}

describe('BackendRegistry', () => {
  it('falls through unavailable candidates and records why each was skipped', async () => {
    const registry = new BackendRegistry();
    registry.register(
      candidate('fast', 30, { available: false, reason: 'module missing', fix: 'install it' }),
    );
    registry.register(candidate('broken', 20, new Error('boom\nstack')));
    registry.register(candidate('slow', 10, { available: true }));
    const selection = await registry.resolve('tfjs', 'auto', ['fast', 'broken', 'slow']);
    expect(selection.name).toBe('slow');
    expect(selection.attempts).toEqual([
      { name: 'fast', available: false, reason: 'module missing', fix: 'install it' },
      { name: 'broken', available: false, reason: 'probe failed: boom' },
      { name: 'slow', available: true },
    ]);
  });

  it('probes each candidate once and never retries a failed one', async () => {
    const registry = new BackendRegistry();
    const fast = candidate('fast', 30, { available: false, reason: 'nope' });
    const slow = candidate('slow', 10, { available: true });
    registry.register(fast);
    registry.register(slow);
    await registry.resolve('tfjs', 'auto', ['fast', 'slow']);
    await registry.resolve('tfjs', 'auto', ['fast', 'slow']);
    expect(fast.probes).toBe(1);
    expect(slow.probes).toBe(1);
  });

  it('throws BackendUnavailableError with every attempt as a field when none is available', async () => {
    const registry = new BackendRegistry();
    registry.register(candidate('a', 2, { available: false, reason: 'r1' }));
    const error = await registry.resolve('tfjs', 'gpu', ['a', 'unregistered']).catch((e: unknown) => e);
    expect(BackendUnavailableError.isInstance(error)).toBe(true);
    const e = error as BackendUnavailableError;
    expect(e.device).toBe('gpu');
    expect(e.attempts.map((a) => [a.name, a.reason])).toEqual([
      ['a', 'r1'],
      ['unregistered', 'no tfjs candidate named "unregistered" is registered'],
    ]);
    expect(e.message).toContain('- a: r1');
  });

  it('lists candidates by priority', () => {
    const registry = new BackendRegistry();
    registry.register(candidate('low', 1, { available: true }));
    registry.register(candidate('high', 9, { available: true }));
    expect(registry.list('tfjs').map((c) => c.name)).toEqual(['high', 'low']);
    expect(registry.list('ort')).toEqual([]);
  });
});
