import { readFile } from 'node:fs/promises';
import {
  encodeSafetensors,
  parseSafetensors as parseSafetensorsFile,
  SafetensorsFormatError,
  writeFileAtomic,
} from '@videoloom/backend';
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
 * Parses safetensors bytes (https://huggingface.co/docs/safetensors) with @videoloom/backend's codec.
 * F32, F16 and BF16 tensors load as float32 (each its own copy); a malformed file or an integer tensor
 * is a `Sam2WeightsError` naming `label`.
 */
export function parseSafetensors(bytes: Uint8Array, label = '<in-memory weights>'): WeightSet {
  try {
    const file = parseSafetensorsFile(bytes, label);
    const tensors = new Map<string, WeightTensor>();
    for (const [name, entry] of file.header.tensors) {
      if (entry.dtype !== 'F32' && entry.dtype !== 'F16' && entry.dtype !== 'BF16') {
        throw new Sam2WeightsError(label, name, 'dtype F32, F16 or BF16', entry.dtype);
      }
      tensors.set(name, { dims: entry.shape, data: Float32Array.from(file.read(name).data) });
    }
    return { tensors, metadata: file.header.metadata };
  } catch (error) {
    if (!SafetensorsFormatError.isInstance(error)) throw error;
    throw new Sam2WeightsError(
      label,
      error.tensorName ?? '',
      'a well-formed safetensors file',
      error.problem,
    );
  }
}

/** The file's chunks: tensors sorted by name, so the bytes are reproducible. */
function encodeWeightSet(weights: WeightSet): Uint8Array[] {
  const names = [...weights.tensors.keys()].sort();
  return encodeSafetensors(
    names.map((name) => {
      const t = weights.tensors.get(name) as WeightTensor;
      return { name, shape: t.dims, data: t.data };
    }),
    weights.metadata,
  );
}

/** Serialises float32 tensors (sorted by name, so the bytes are reproducible) to safetensors. */
export function serializeSafetensors(weights: WeightSet): Uint8Array {
  const chunks = encodeWeightSet(weights);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
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
  await writeFileAtomic(path, encodeWeightSet(weights));
}
