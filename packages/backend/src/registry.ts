import type { BackendAttempt, BackendCandidate, BackendSelection, ProbeResult, Runtime } from './backend.js';
import { BackendUnavailableError } from './errors/backend-unavailable-error.js';

/**
 * The ranked registry of candidates of both runtimes. Probes run lazily, once; a failed probe is
 * remembered (the candidate is "aborted") so later resolutions skip it with the same reason.
 */
export class BackendRegistry {
  private readonly candidates = new Map<string, BackendCandidate>();
  private readonly verdicts = new Map<string, Promise<ProbeResult>>();

  register(candidate: BackendCandidate): void {
    this.candidates.set(key(candidate.runtime, candidate.name), candidate);
    this.verdicts.delete(key(candidate.runtime, candidate.name));
  }

  /** Registered candidates of a runtime, highest priority first. */
  list(runtime: Runtime): BackendCandidate[] {
    return [...this.candidates.values()]
      .filter((c) => c.runtime === runtime)
      .sort((a, b) => b.priority - a.priority);
  }

  get(runtime: Runtime, name: string): BackendCandidate | undefined {
    return this.candidates.get(key(runtime, name));
  }

  /** The (cached) probe verdict of one candidate. A probe that throws counts as unavailable. */
  probe(runtime: Runtime, name: string): Promise<ProbeResult> {
    const k = key(runtime, name);
    let verdict = this.verdicts.get(k);
    if (!verdict) {
      const candidate = this.candidates.get(k);
      verdict = candidate
        ? candidate.probe().catch(
            (error: unknown): ProbeResult => ({
              available: false,
              reason: `probe failed: ${describeError(error)}`,
            }),
          )
        : Promise.resolve({
            available: false,
            reason: `no ${runtime} candidate named "${name}" is registered`,
          });
      this.verdicts.set(k, verdict);
    }
    return verdict;
  }

  /**
   * Tries `names` in order and returns the first available one with the record of every attempt.
   * Throws `BackendUnavailableError` (with `attempts`) when none is available.
   */
  async resolve<Name extends string>(
    runtime: Runtime,
    device: string,
    names: readonly Name[],
  ): Promise<BackendSelection<Name>> {
    const attempts: BackendAttempt[] = [];
    for (const name of names) {
      const verdict = await this.probe(runtime, name);
      if (verdict.available) {
        attempts.push({ name, available: true });
        return { runtime, device, name, attempts };
      }
      attempts.push({
        name,
        available: false,
        reason: verdict.reason,
        ...(verdict.fix ? { fix: verdict.fix } : {}),
      });
    }
    throw new BackendUnavailableError(runtime, device, attempts);
  }

  /** Forgets every probe verdict (tests; after installing a module at run time). */
  resetProbes(): void {
    this.verdicts.clear();
  }
}

function key(runtime: Runtime, name: string): string {
  return `${runtime}:${name}`;
}

/** First line of an error's message: enough to say why, short enough for a table. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}
