import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFormatError, writeSafetensors } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARITY_DIR } from '../test-support/parity.js';
import { SafetensorsCheckpoint } from './safetensors-checkpoint.js';

describe('SafetensorsCheckpoint', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'llm-core-st-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('opens a sharded checkpoint through its index and a directory through model.safetensors.index.json', async () => {
    const dir = join(PARITY_DIR, 'bf16-sharded');
    const viaDir = await SafetensorsCheckpoint.open(dir);
    expect(viaDir.path.endsWith('model.safetensors.index.json')).toBe(true);
    const index = JSON.parse(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(viaDir.entries.size).toBe(Object.keys(index.weight_map).length);
    expect((await viaDir.read('mlp1.3.weight')).shape).toEqual([64, 64]);
  });

  it('opens a directory through model.safetensors and names a missing tensor or file in typed errors', async () => {
    await writeSafetensors(join(scratch, 'model.safetensors'), [
      { name: 'w', shape: [2], data: Float32Array.from([0.5, -1]) },
    ]);
    const checkpoint = await SafetensorsCheckpoint.open(scratch);
    expect(checkpoint.path).toBe(join(scratch, 'model.safetensors'));
    expect(Array.from((await checkpoint.read('w')).data)).toEqual([0.5, -1]);
    const missing = await checkpoint.read('v').catch((e: unknown) => e);
    expect(SafetensorsFormatError.isInstance(missing)).toBe(true);
    expect((missing as SafetensorsFormatError).tensorName).toBe('v');
    await expect(SafetensorsCheckpoint.open(join(scratch, 'absent'))).rejects.toThrow(/absent: cannot open/);
  });
});
