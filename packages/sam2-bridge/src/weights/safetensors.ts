import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { Sam2WeightsError } from '../errors/weights-error.js';

/** One tensor of a safetensors file, as float32 on the host (row-major, PyTorch layout). */
export interface WeightTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** A named set of float32 tensors plus the file's string metadata. */
export interface WeightSet {
  readonly tensors: ReadonlyMap<string, WeightTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Parses safetensors bytes (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
 * length, a JSON header, then raw little-endian data. F32, F16 and BF16 tensors load as float32.
 */
export function parseSafetensors(bytes: Uint8Array, label = '<in-memory weights>'): WeightSet {
  if (bytes.byteLength < 8)
    throw new Sam2WeightsError(
      label,
      '',
      'a safetensors file (8-byte header length)',
      `${bytes.byteLength} bytes`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) {
    throw new Sam2WeightsError(
      label,
      '',
      `a header of at most ${bytes.byteLength - 8} bytes`,
      `${headerLength} bytes`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw new Sam2WeightsError(label, '', 'a JSON header', `unparseable text (${String(cause)})`);
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, WeightTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = entry as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    const count = shape.reduce((a, b) => a * b, 1);
    const begin = dataStart + offsets[0];
    const end = dataStart + offsets[1];
    if (end > bytes.byteLength)
      throw new Sam2WeightsError(label, name, `data inside the file`, `offsets [${offsets}]`);
    const raw = new Uint8Array(end - begin); // an aligned copy (Buffer.slice would share memory)
    raw.set(bytes.subarray(begin, end));
    const data = new Float32Array(count);
    if (dtype === 'F32' && raw.byteLength === count * 4) {
      data.set(new Float32Array(raw.buffer));
    } else if ((dtype === 'BF16' || dtype === 'F16') && raw.byteLength === count * 2) {
      const halves = new Uint16Array(raw.buffer);
      for (let i = 0; i < count; i++)
        data[i] = dtype === 'BF16' ? bf16ToF32(halves[i]!) : f16ToF32(halves[i]!);
    } else {
      throw new Sam2WeightsError(
        label,
        name,
        'dtype F32, F16 or BF16 with data matching its shape',
        `${dtype}, ${raw.byteLength} bytes for shape [${shape}]`,
      );
    }
    tensors.set(name, { dims: shape, data });
  }
  return { tensors, metadata };
}

/** Serialises float32 tensors (sorted by name, so the bytes are reproducible) to safetensors. */
export function serializeSafetensors(weights: WeightSet): Uint8Array {
  const names = [...weights.tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(weights.metadata).length > 0) header.__metadata__ = weights.metadata;
  let offset = 0;
  for (const name of names) {
    const t = weights.tensors.get(name) as WeightTensor;
    header[name] = { dtype: 'F32', shape: t.dims, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' '; // keep the data 8-byte aligned
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const name of names) {
    const t = weights.tensors.get(name) as WeightTensor;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

export async function readSafetensors(path: string): Promise<WeightSet> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new Sam2WeightsError(
      path,
      '',
      'a readable safetensors file',
      `an unreadable path (${String(cause)})`,
    );
  }
  return parseSafetensors(bytes, path);
}

/** Writes atomically: a temp file beside the target, then a rename, so a crash never leaves half a file. */
export async function writeSafetensors(path: string, weights: WeightSet): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, serializeSafetensors(weights));
  await rename(temp, path);
}

function bf16ToF32(h: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, h << 16, true);
  return buf.getFloat32(0, true);
}

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
