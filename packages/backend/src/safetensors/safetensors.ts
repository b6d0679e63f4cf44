import { mkdir, open, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import { SafetensorsFormatError } from '../errors/safetensors-format-error.js';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16 } from '../half-float.js';

/** Safetensors dtype names the codec reads and writes. */
export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64';

/** Bytes per element of each supported dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  I32: 4,
  I64: 8,
};

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
  /** Bytes in the data section. */
  readonly dataLength: number;
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
  throw new Error('VL_UnsupportedHost: @videoloom/backend reads safetensors only on little-endian hosts.');
}

/**
 * Validates the JSON header of a safetensors file (the bytes after its 8-byte length) against the size
 * of its data section. `path` names the file in errors.
 */
export function parseSafetensorsHeader(
  headerBytes: Uint8Array,
  dataLength: number,
  path: string,
): SafetensorsHeader {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(headerBytes)) as Record<string, unknown>;
  } catch (cause) {
    throw new SafetensorsFormatError(path, `header is not valid JSON (${(cause as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SafetensorsFormatError(path, 'header is not a JSON object');
  }
  const tensors = new Map<string, SafetensorsEntry>();
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
    if (
      offsets[0] < 0 ||
      offsets[1] - offsets[0] !== elements * DTYPE_BYTES[dtype] ||
      offsets[1] > dataLength
    ) {
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
    dataStart: 8 + headerBytes.byteLength,
    dataLength,
    tensors,
    metadata: (json.__metadata__ as Record<string, string> | undefined) ?? {},
  };
}

/** The header length a file of `size` bytes declares in `lengthBytes`, checked against the size. */
function declaredHeaderLength(lengthBytes: Uint8Array, size: number, path: string): number {
  const headerLength =
    size < 8 ? 0 : Number(new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true));
  if (size < 8 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
    throw new SafetensorsFormatError(
      path,
      size < 8
        ? `a file of ${size} bytes cannot hold the 8-byte header length`
        : `header length ${headerLength} does not fit a file of ${size} bytes`,
    );
  }
  return headerLength;
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
    const headerLength = declaredHeaderLength(lengthBytes, size, path);
    const headerBytes = new Uint8Array(headerLength);
    await handle.read(headerBytes, 0, headerLength, 8);
    return parseSafetensorsHeader(headerBytes, size - 8 - headerLength, path);
  } finally {
    await handle.close();
  }
}

/** A safetensors file held in memory: its header, and each tensor decoded on request. */
export interface InMemorySafetensors {
  readonly header: SafetensorsHeader;
  /** Floats widened to float32, integers narrowed to int32; may share memory with the parsed bytes. */
  read(name: string): HostTensorData;
}

/** Parses a whole safetensors file held in memory. `label` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, label = '<in-memory safetensors>'): InMemorySafetensors {
  const headerLength = declaredHeaderLength(bytes.subarray(0, 8), bytes.byteLength, label);
  const header = parseSafetensorsHeader(
    bytes.subarray(8, 8 + headerLength),
    bytes.byteLength - 8 - headerLength,
    label,
  );
  return {
    header,
    read(name) {
      const entry = header.tensors.get(name);
      if (!entry) throw new SafetensorsFormatError(label, 'no such tensor in the file', name);
      const begin = header.dataStart + entry.dataOffsets[0];
      return decodeTensorBytes(
        bytes.subarray(begin, begin + entry.dataOffsets[1] - entry.dataOffsets[0]),
        entry,
        label,
        name,
      );
    },
  };
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

/** One tensor to write. Float data is stored as `dtype` (F32 by default, or BF16/F16 rounded). */
export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
  /** @defaultValue 'F32' for Float32Array, 'I32' for Int32Array */
  readonly dtype?: 'F32' | 'BF16' | 'I32';
}

/**
 * The bytes of a safetensors file holding `tensors` in the given order, as chunks (the length, the
 * header padded with spaces to 8 bytes so the data stays aligned, then each tensor's data). `path`
 * names the file in errors.
 */
export function encodeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>> = {},
  path = '<in-memory safetensors>',
): Uint8Array[] {
  // `__metadata__` first, as Hugging Face's writer puts it.
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
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
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
  return [length, json, ...blobs];
}

/**
 * Writes a safetensors file atomically (temporary file, then rename), so an interrupted save never
 * leaves a truncated file behind.
 */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata, path));
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
