import { beforeAll, describe } from 'vitest';
import type { Runtime } from '../backend.js';
import { describeBackends } from '../describe.js';
import { TFJS_CORE_BACKEND } from '../tfjs/candidates.js';
import { tf } from '../tfjs/tf.js';

/** One backend a conformance suite runs on. */
export interface BackendUnderTest {
  readonly runtime: Runtime;
  /** Candidate name: `wasm`, `cpu`, `tfjs-node`, ... for tfjs; `cpu`, `cuda` for ORT. */
  readonly name: string;
  /** Label used in test titles, e.g. `tfjs/wasm`, `ort/cpu`. */
  readonly label: string;
}

/**
 * Declares `body` once per backend present (use with top-level await in the test file). Absent
 * backends are declared as skipped suites whose title carries the reason, and the reason is printed.
 */
export async function describeEachBackend(
  title: string,
  body: (backend: BackendUnderTest) => void,
  options: { runtimes?: readonly Runtime[] } = {},
): Promise<void> {
  const report = await describeBackends();
  const runtimes = options.runtimes ?? ['tfjs', 'ort'];
  for (const c of report.candidates) {
    if (!runtimes.includes(c.runtime)) continue;
    const backend: BackendUnderTest = { runtime: c.runtime, name: c.name, label: `${c.runtime}/${c.name}` };
    if (!c.available) {
      console.info(`[conformance] skipping ${backend.label}: ${c.reason}`);
      describe.skip(`${title} [${backend.label}] (unavailable: ${c.reason})`, () => body(backend));
      continue;
    }
    describe(`${title} [${backend.label}]`, () => {
      if (c.runtime === 'tfjs') {
        beforeAll(async () => {
          await tf.setBackend(TFJS_CORE_BACKEND[c.name as keyof typeof TFJS_CORE_BACKEND]);
          await tf.ready();
        });
      }
      body(backend);
    });
  }
}
