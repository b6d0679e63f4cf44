// Helpers shared by the parity tests (not exported from the package).
import { fileURLToPath } from 'node:url';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { afterAll, beforeAll } from 'vitest';
import type { Tensor } from '../layers/ops.js';
import type { VideoLoomModel } from '../models/videoloom/model.js';
import { loadModel } from '../weights/checkpoint-io.js';
import { SafetensorsCheckpoint } from '../weights/safetensors-checkpoint.js';

/** Directory of the PyTorch-generated parity fixtures (see tools/fixtures/llm-core/README.md). */
export const PARITY_DIR = fileURLToPath(new URL('../../test/fixtures/parity/', import.meta.url));

/** Loads every tensor of `fixtures.safetensors` as a tf tensor (float32 or int32). */
export async function loadParityFixtures(): Promise<Map<string, Tensor>> {
  const checkpoint = await SafetensorsCheckpoint.open(`${PARITY_DIR}fixtures.safetensors`);
  const out = new Map<string, Tensor>();
  for (const name of checkpoint.entries.keys()) {
    const host = await checkpoint.read(name);
    out.set(name, tf.tensor(host.data, [...host.shape], host.dtype));
  }
  return out;
}

/** The fixture `name`, or a thrown error naming it. */
export function fixture(fixtures: Map<string, Tensor>, name: string): Tensor {
  const t = fixtures.get(name);
  if (!t)
    throw new Error(
      `parity fixture ${name} is missing: regenerate with tools/fixtures/llm-core/make_fixtures.py`,
    );
  return t;
}

/** max |a - b| after checking the shapes agree. */
export async function maxAbsDiff(a: Tensor, b: Tensor): Promise<number> {
  if (a.shape.join(',') !== b.shape.join(','))
    throw new Error(`shape [${a.shape}] differs from [${b.shape}]`);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const value = (await d.data())[0] as number;
  d.dispose();
  return value;
}

/** The maximum absolute error the parity tests allow at fp32. */
export const FP32_TOLERANCE = 1e-4;

/**
 * The setup every parity suite shares: the wasm backend, the fixtures and the tiny model loaded from
 * the fixture checkpoint (freed after the suite). Call inside a `describe`; read the fields in tests.
 */
export function useParityModel(): { fixtures: Map<string, Tensor>; model: VideoLoomModel } {
  const parity = {} as { fixtures: Map<string, Tensor>; model: VideoLoomModel };
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    parity.fixtures = await loadParityFixtures();
    parity.model = (await loadModel(PARITY_DIR)).model;
  });
  afterAll(() => parity.model.dispose());
  return parity;
}
