import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import { SafetensorsFormatError } from '../errors/index.js';
import {
  bfloat16ToFloat32,
  DTYPE_BYTES,
  float16ToFloat32,
  float32ToBfloat16,
  type SafetensorsDType,
} from './dtype.js';

/** Where one tensor lives inside a safetensors file. */
export interface SafetensorsEntry {
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Byte range relative to the start of the data section. */
  readonly dataOffsets: readonly [number, number];
}

/** The parsed header of one safetensors file: the format is u64-LE header length, JSON header, raw data. */
export interface SafetensorsHeader {
  readonly path: string;
  /** Absolute byte offset where the data section starts (8 + header length). */
  readonly dataStart: number;
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A tensor read into host memory; floating dtypes are widened to float32, integers to int32. */
export interface HostTensorData {
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly data: Float32Array | Int32Array;
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024;

if (endianness() !== 'LE') {
  // Safetensors is little-endian; typed arrays use host order. Every supported host is LE.
  throw new Error('VL_UnsupportedHost: @videoloom/llm-core reads safetensors only on little-endian hosts.');
}

/** Reads and validates the header of a safetensors file without touching the tensor data. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const handle = await open(path, 'r').catch((cause: unknown) => {
    throw new SafetensorsFormatError(path, `cannot open file (${(cause as Error).message})`);
  });
  try {
    const { size } = await handle.stat();
    const lengthBytes = new Uint8Array(8);
    await handle.read(lengthBytes, 0, 8, 0);
    const headerLength = Number(new DataView(lengthBytes.buffer).getBigUint64(0, true));
    if (size < 8 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
      throw new SafetensorsFormatError(
        path,
        `header length ${headerLength} does not fit a file of ${size} bytes`,
      );
    }
    const headerBytes = new Uint8Array(headerLength);
    await handle.read(headerBytes, 0, headerLength, 8);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(new TextDecoder().decode(headerBytes)) as Record<string, unknown>;
    } catch (cause) {
      throw new SafetensorsFormatError(path, `header is not valid JSON (${(cause as Error).message})`);
    }
    const tensors = new Map<string, SafetensorsEntry>();
    const dataLength = size - 8 - headerLength;
    for (const [name, raw] of Object.entries(json)) {
      if (name === '__metadata__') continue;
      const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const dtype = entry.dtype as SafetensorsDType;
      if (!(typeof dtype === 'string' && dtype in DTYPE_BYTES)) {
        throw new SafetensorsFormatError(
          path,
          `unsupported dtype ${JSON.stringify(entry.dtype)} (supported: F32, F16, BF16, I32, I64)`,
          name,
        );
      }
      const shape = entry.shape as number[];
      const offsets = entry.data_offsets as [number, number];
      if (!Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) {
        throw new SafetensorsFormatError(path, 'entry lacks shape or data_offsets', name);
      }
      const elements = shape.reduce((a, b) => a * b, 1);
      if (offsets[1] - offsets[0] !== elements * DTYPE_BYTES[dtype] || offsets[1] > dataLength) {
        throw new SafetensorsFormatError(
          path,
          `byte range [${offsets[0]}, ${offsets[1]}) does not hold ${elements} ${dtype} values inside a ${dataLength}-byte data section`,
          name,
        );
      }
      tensors.set(name, { dtype, shape, dataOffsets: offsets });
    }
    return {
      path,
      dataStart: 8 + headerLength,
      tensors,
      metadata: (json.__metadata__ as Record<string, string> | undefined) ?? {},
    };
  } finally {
    await handle.close();
  }
}

/** Converts raw little-endian bytes of one tensor to float32 (floats) or int32 (integers). */
export function decodeTensorBytes(
  bytes: Uint8Array,
  entry: SafetensorsEntry,
  path: string,
  tensorName: string,
): HostTensorData {
  // Copy into an aligned buffer: typed-array views need element alignment.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset, byteLength } = aligned;
  switch (entry.dtype) {
    case 'F32':
      return {
        shape: entry.shape,
        dtype: 'float32',
        data: new Float32Array(buffer, byteOffset, byteLength / 4),
      };
    case 'BF16':
      return {
        shape: entry.shape,
        dtype: 'float32',
        data: bfloat16ToFloat32(new Uint16Array(buffer, byteOffset, byteLength / 2)),
      };
    case 'F16':
      return {
        shape: entry.shape,
        dtype: 'float32',
        data: float16ToFloat32(new Uint16Array(buffer, byteOffset, byteLength / 2)),
      };
    case 'I32':
      return { shape: entry.shape, dtype: 'int32', data: new Int32Array(buffer, byteOffset, byteLength / 4) };
    case 'I64': {
      const wide = new BigInt64Array(buffer, byteOffset, byteLength / 8);
      const out = new Int32Array(wide.length);
      for (let i = 0; i < wide.length; i++) {
        const v = wide[i] as bigint;
        if (v > 2147483647n || v < -2147483648n) {
          throw new SafetensorsFormatError(
            path,
            `I64 value ${v} at element ${i} does not fit int32`,
            tensorName,
          );
        }
        out[i] = Number(v);
      }
      return { shape: entry.shape, dtype: 'int32', data: out };
    }
  }
}

/**
 * A set of safetensors files seen as one checkpoint (a single file, or the shards listed by a
 * `model.safetensors.index.json`). Tensors are read one at a time, so peak host memory is one tensor.
 */
export class SafetensorsCheckpoint {
  private constructor(
    /** The file the user named: the .safetensors file or the index JSON. */
    readonly path: string,
    private readonly located: ReadonlyMap<string, { header: SafetensorsHeader; entry: SafetensorsEntry }>,
  ) {}

  /**
   * Opens a checkpoint. `path` is a `.safetensors` file, a `*.index.json` file, or a directory holding
   * `model.safetensors` or `model.safetensors.index.json`. Only headers are read here.
   */
  static async open(path: string): Promise<SafetensorsCheckpoint> {
    const resolved = await resolveCheckpointPath(path);
    const located = new Map<string, { header: SafetensorsHeader; entry: SafetensorsEntry }>();
    if (resolved.endsWith('.json')) {
      let index: { weight_map?: Record<string, string> };
      try {
        index = JSON.parse(await readFile(resolved, 'utf8')) as typeof index;
      } catch (cause) {
        throw new SafetensorsFormatError(
          resolved,
          `index is not readable JSON (${(cause as Error).message})`,
        );
      }
      if (!index.weight_map || typeof index.weight_map !== 'object') {
        throw new SafetensorsFormatError(resolved, 'index has no "weight_map" object');
      }
      const headers = new Map<string, SafetensorsHeader>();
      for (const shard of new Set(Object.values(index.weight_map))) {
        headers.set(shard, await readSafetensorsHeader(join(dirname(resolved), shard)));
      }
      for (const [name, shard] of Object.entries(index.weight_map)) {
        const header = headers.get(shard) as SafetensorsHeader;
        const entry = header.tensors.get(name);
        if (!entry)
          throw new SafetensorsFormatError(
            header.path,
            'tensor listed in the index is absent from its shard',
            name,
          );
        located.set(name, { header, entry });
      }
    } else {
      const header = await readSafetensorsHeader(resolved);
      for (const [name, entry] of header.tensors) located.set(name, { header, entry });
    }
    return new SafetensorsCheckpoint(resolved, located);
  }

  /** Every tensor name with its stored dtype and shape. */
  get entries(): ReadonlyMap<string, SafetensorsEntry> {
    return new Map([...this.located].map(([name, { entry }]) => [name, entry]));
  }

  has(name: string): boolean {
    return this.located.has(name);
  }

  /** Reads one tensor from disk and converts it (bf16/f16 -> float32, i64 -> int32). */
  async read(name: string): Promise<HostTensorData> {
    const found = this.located.get(name);
    if (!found) throw new SafetensorsFormatError(this.path, 'no such tensor in the checkpoint', name);
    const { header, entry } = found;
    const length = entry.dataOffsets[1] - entry.dataOffsets[0];
    const bytes = new Uint8Array(length);
    const handle = await open(header.path, 'r');
    try {
      const { bytesRead } = await handle.read(bytes, 0, length, header.dataStart + entry.dataOffsets[0]);
      if (bytesRead !== length)
        throw new SafetensorsFormatError(header.path, `short read (${bytesRead} of ${length} bytes)`, name);
    } finally {
      await handle.close();
    }
    return decodeTensorBytes(bytes, entry, header.path, name);
  }
}

async function resolveCheckpointPath(path: string): Promise<string> {
  const handle = await open(path, 'r').catch((cause: unknown) => {
    throw new SafetensorsFormatError(path, `cannot open (${(cause as Error).message})`);
  });
  const isDirectory = (await handle.stat()).isDirectory();
  await handle.close();
  if (!isDirectory) return path;
  for (const candidate of ['model.safetensors.index.json', 'model.safetensors']) {
    const full = join(path, candidate);
    const exists = await open(full, 'r').then(
      async (h) => {
        await h.close();
        return true;
      },
      () => false,
    );
    if (exists) return full;
  }
  throw new SafetensorsFormatError(
    path,
    'directory holds neither model.safetensors nor model.safetensors.index.json',
  );
}

/** One tensor to write. Float data is stored as `dtype` (F32 by default, or BF16/F16 rounded). */
export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
  /** @defaultValue 'F32' for Float32Array, 'I32' for Int32Array */
  readonly dtype?: 'F32' | 'BF16' | 'I32';
}

/**
 * Writes a safetensors file atomically (temporary file, then rename), so an interrupted save never
 * leaves a truncated checkpoint behind.
 */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const header: Record<string, unknown> = {};
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype = t.dtype ?? (t.data instanceof Int32Array ? 'I32' : 'F32');
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (elements !== t.data.length) {
      throw new SafetensorsFormatError(
        path,
        `shape [${t.shape.join(', ')}] needs ${elements} values, got ${t.data.length}`,
        t.name,
      );
    }
    let blob: Uint8Array;
    if (dtype === 'BF16') {
      if (!(t.data instanceof Float32Array))
        throw new SafetensorsFormatError(path, 'BF16 needs float data', t.name);
      const bits = float32ToBfloat16(t.data);
      blob = new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
    } else {
      blob = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    }
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + blob.byteLength] };
    offset += blob.byteLength;
    blobs.push(blob);
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
  await writeFileAtomic(path, [length, json, ...blobs]);
}

/** Writes `chunks` to `path` through a temporary sibling file and a rename. */
export async function writeFileAtomic(path: string, chunks: readonly (Uint8Array | string)[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const handle = await open(temporary, 'w');
    try {
      for (const chunk of chunks)
        await handle.write(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw cause;
  }
}
