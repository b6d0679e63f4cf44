import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from '../errors/index.js';
import { PARITY_DIR } from '../test-support/parity.js';
import { canonicalTensorName } from './checkpoint-io.js';
import { bfloat16ToFloat32, float32ToBfloat16 } from './dtype.js';
import { readSafetensorsHeader, SafetensorsCheckpoint, writeSafetensors } from './safetensors.js';

describe('safetensors reader/writer', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'llm-core-st-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('decodes F16 and BF16 exactly as PyTorch converts them (file written by torch)', async () => {
    const file = await SafetensorsCheckpoint.open(join(PARITY_DIR, 'dtypes.safetensors'));
    expect(file.entries.get('bf16')?.dtype).toBe('BF16');
    expect(file.entries.get('f16')?.dtype).toBe('F16');
    expect(Array.from((await file.read('bf16')).data)).toEqual(
      Array.from((await file.read('bf16_as_f32')).data),
    );
    expect(Array.from((await file.read('f16')).data)).toEqual(
      Array.from((await file.read('f16_as_f32')).data),
    );
  });

  it('rounds fp32 -> bf16 to nearest even like PyTorch', async () => {
    const file = await SafetensorsCheckpoint.open(join(PARITY_DIR, 'dtypes.safetensors'));
    const f32 = (await file.read('f32')).data as Float32Array;
    const expected = (await file.read('bf16_as_f32')).data;
    expect(Array.from(bfloat16ToFloat32(float32ToBfloat16(f32)))).toEqual(Array.from(expected));
  });

  it('round-trips F32, I32 and BF16 tensors and metadata; writes atomically (no temp file left)', async () => {
    const path = join(scratch, 'round.safetensors');
    const a = Float32Array.from([1.5, -2, 3.25, 0, 7, 8]);
    await writeSafetensors(
      path,
      [
        { name: 'a', shape: [2, 3], data: a },
        { name: 'ids', shape: [3], data: Int32Array.from([5, -1, 9]) },
        { name: 'half', shape: [2], data: Float32Array.from([1, 3.140625]), dtype: 'BF16' },
      ],
      { format: 'pt' },
    );
    expect(await readdir(scratch)).toEqual(['round.safetensors']);
    const header = await readSafetensorsHeader(path);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.dataStart % 8).toBe(0);
    const file = await SafetensorsCheckpoint.open(path);
    expect(Array.from((await file.read('a')).data)).toEqual(Array.from(a));
    expect((await file.read('ids')).dtype).toBe('int32');
    expect(Array.from((await file.read('ids')).data)).toEqual([5, -1, 9]);
    expect(Array.from((await file.read('half')).data)).toEqual([1, 3.140625]);
  });

  it('opens a sharded checkpoint through its index and a directory through model.safetensors.index.json', async () => {
    const dir = join(PARITY_DIR, 'bf16-sharded');
    const viaDir = await SafetensorsCheckpoint.open(dir);
    expect(viaDir.path.endsWith('model.safetensors.index.json')).toBe(true);
    const index = JSON.parse(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(viaDir.entries.size).toBe(Object.keys(index.weight_map).length);
    expect((await viaDir.read('mlp1.3.weight')).shape).toEqual([64, 64]);
  });

  it('rejects a truncated file, a bad header and an unknown dtype with typed errors', async () => {
    const bad = join(scratch, 'bad.safetensors');
    await writeFile(bad, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    await expect(readSafetensorsHeader(bad)).rejects.toThrow(/header length 200/);
    const header = Buffer.from(JSON.stringify({ x: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    await writeFile(bad, Buffer.concat([length, header, Buffer.alloc(1)]));
    const error = await readSafetensorsHeader(bad).catch((e: unknown) => e);
    expect(SafetensorsFormatError.isInstance(error)).toBe(true);
    expect((error as SafetensorsFormatError).tensorName).toBe('x');
    const wrongSize = Buffer.from(JSON.stringify({ y: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }));
    length.writeBigUInt64LE(BigInt(wrongSize.length));
    await writeFile(bad, Buffer.concat([length, wrongSize, Buffer.alloc(8)]));
    await expect(readSafetensorsHeader(bad)).rejects.toThrow(/does not hold 4 F32 values/);
  });

  it('maps XTuner/PEFT training names onto the merged HF names', () => {
    expect(
      canonicalTensorName(
        'mllm.model.language_model.base_model.model.model.layers.3.self_attn.q_proj.base_layer.weight',
      ),
    ).toBe('language_model.model.layers.3.self_attn.q_proj.weight');
    expect(
      canonicalTensorName('language_model.base_model.model.model.layers.0.mlp.up_proj.lora_B.default.weight'),
    ).toBe('language_model.model.layers.0.mlp.up_proj.lora_B.weight');
    expect(
      canonicalTensorName('language_model.base_model.model.lm_head.modules_to_save.default.weight'),
    ).toBe('language_model.lm_head.weight');
    expect(canonicalTensorName('language_model.base_model.model.lm_head.original_module.weight')).toBeNull();
  });
});
