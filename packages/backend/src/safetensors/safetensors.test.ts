import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from '../errors/safetensors-format-error.js';
import { bfloat16ToFloat32, float32ToBfloat16 } from '../half-float.js';
import {
  encodeSafetensors,
  parseSafetensors,
  readSafetensorsHeader,
  type TensorToWrite,
  writeSafetensors,
} from './safetensors.js';

/** Written by PyTorch (`tools/fixtures/llm-core/make_fixtures.py`): the independent reference. */
const TORCH_DTYPES = fileURLToPath(
  new URL('../../test/fixtures/safetensors/dtypes.safetensors', import.meta.url),
);

const concat = (chunks: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(chunks));

describe('safetensors codec', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'backend-st-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('decodes F16 and BF16 exactly as PyTorch converts them (file written by torch)', async () => {
    const file = parseSafetensors(await readFile(TORCH_DTYPES), TORCH_DTYPES);
    expect(file.header.tensors.get('bf16')?.dtype).toBe('BF16');
    expect(file.header.tensors.get('f16')?.dtype).toBe('F16');
    expect(Array.from(file.read('bf16').data)).toEqual(Array.from(file.read('bf16_as_f32').data));
    expect(Array.from(file.read('f16').data)).toEqual(Array.from(file.read('f16_as_f32').data));
  });

  it('rounds fp32 -> bf16 to nearest even like PyTorch', async () => {
    const file = parseSafetensors(await readFile(TORCH_DTYPES), TORCH_DTYPES);
    const f32 = file.read('f32').data as Float32Array;
    const expected = file.read('bf16_as_f32').data;
    expect(Array.from(bfloat16ToFloat32(float32ToBfloat16(f32)))).toEqual(Array.from(expected));
  });

  it('round-trips F32, I32 and BF16 tensors and metadata; writes atomically (no temp file left)', async () => {
    const path = join(scratch, 'round.safetensors');
    const a = Float32Array.from([1.5, -2, 3.25, 0, 7, 8]);
    const tensors: TensorToWrite[] = [
      { name: 'a', shape: [2, 3], data: a },
      { name: 'ids', shape: [3], data: Int32Array.from([5, -1, 9]) },
      { name: 'half', shape: [2], data: Float32Array.from([1, 3.140625]), dtype: 'BF16' },
    ];
    await writeSafetensors(path, tensors, { format: 'pt' });
    expect(await readdir(scratch)).toEqual(['round.safetensors']);
    const header = await readSafetensorsHeader(path);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.dataStart % 8).toBe(0);
    const bytes = await readFile(path);
    expect(concat(encodeSafetensors(tensors, { format: 'pt' }))).toEqual(new Uint8Array(bytes));
    const file = parseSafetensors(bytes, path);
    expect(file.header).toEqual(header);
    expect(Array.from(file.read('a').data)).toEqual(Array.from(a));
    expect(file.read('a').shape).toEqual([2, 3]);
    expect(file.read('ids').dtype).toBe('int32');
    expect(Array.from(file.read('ids').data)).toEqual([5, -1, 9]);
    expect(Array.from(file.read('half').data)).toEqual([1, 3.140625]);
  });

  it('reads a tensor at an unaligned offset of a larger buffer (typed-array views need alignment)', () => {
    const bytes = concat(encodeSafetensors([{ name: 'x', shape: [3], data: Float32Array.from([1, 2, 3]) }]));
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(Array.from(parseSafetensors(shifted.subarray(1)).read('x').data)).toEqual([1, 2, 3]);
  });

  it('rejects a truncated file, a bad header and an unknown dtype with typed errors', async () => {
    const bad = join(scratch, 'bad.safetensors');
    await writeFile(bad, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    await expect(readSafetensorsHeader(bad)).rejects.toThrow(/header length 200/);
    expect(() => parseSafetensors(new Uint8Array(5), 'five.bin')).toThrow(/five\.bin.*5 bytes cannot hold/);
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
    // A range before the data section would read the header as tensor data.
    const before = Buffer.from(JSON.stringify({ z: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }));
    length.writeBigUInt64LE(BigInt(before.length));
    expect(() => parseSafetensors(Buffer.concat([length, before, Buffer.alloc(4)]), 'neg.bin')).toThrow(
      /neg\.bin \(tensor "z"\): byte range \[-4, 0\)/,
    );
    const notJson = Buffer.from('{"x": ');
    length.writeBigUInt64LE(BigInt(notJson.length));
    expect(() => parseSafetensors(Buffer.concat([length, notJson]), 'cut.bin')).toThrow(/not valid JSON/);
    expect(() => encodeSafetensors([{ name: 'z', shape: [2, 2], data: new Float32Array(3) }])).toThrow(
      /needs 4 values, got 3/,
    );
  });
});
