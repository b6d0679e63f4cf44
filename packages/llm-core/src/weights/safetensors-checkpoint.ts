import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  decodeTensorBytes,
  type HostTensorData,
  readSafetensorsHeader,
  type SafetensorsEntry,
  SafetensorsFormatError,
  type SafetensorsHeader,
} from '@videoloom/backend';

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
