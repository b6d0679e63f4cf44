import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Sam2ManifestError } from '../errors/manifest-error.js';
import { Sam2WeightsError } from '../errors/weights-error.js';
import { SAM2_STAGES } from '../stages/contract.js';
import { readManifest, SAM2_MANIFEST_FILE, type Sam2Manifest } from '../stages/manifest.js';
import { readSafetensors, serializeSafetensors } from '../weights/safetensors.js';
import {
  buildTinySam2Graphs,
  type TinySam2Weights,
  tinySam2WeightSet,
  tinySam2WeightsFrom,
} from './tiny-sam2-weights.js';

/**
 * Writes a tiny SAM2 checkpoint directory: the manifest, the weights file it names and the four
 * graphs built from those weights. Atomic as a whole: everything is written (and fsynced) into a
 * sibling staging directory, which then replaces `dir` by rename, so readers see either the old
 * checkpoint or the new one, never a mix.
 */
export async function writeTinySam2Checkpoint(
  dir: string,
  manifest: Sam2Manifest,
  weights: TinySam2Weights,
): Promise<void> {
  if (!manifest.weights)
    throw new Sam2ManifestError(SAM2_MANIFEST_FILE, 'weights', 'a weights file name', 'missing');
  const files = new Map<string, Uint8Array | string>();
  const graphs = buildTinySam2Graphs(weights);
  for (const stage of SAM2_STAGES) files.set(manifest.graphs[stage], graphs[stage]);
  files.set(manifest.weights, serializeSafetensors(tinySam2WeightSet(weights)));
  files.set(SAM2_MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);

  const target = path.resolve(dir);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const staging = `${target}.partial-${tag}`;
  await fs.mkdir(staging);
  try {
    for (const [name, bytes] of files) {
      const handle = await fs.open(path.join(staging, name), 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    try {
      await fs.rename(staging, target); // succeeds when `dir` does not exist or is empty
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      const previous = `${target}.previous-${tag}`;
      await fs.rename(target, previous);
      await fs.rename(staging, target);
      await fs.rm(previous, { recursive: true, force: true });
    }
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Reads a tiny SAM2 checkpoint directory: the manifest (checked), then the weights it names (every
 * tensor checked), and checks the two agree on the dims.
 */
export async function readTinySam2Checkpoint(
  dir: string,
): Promise<{ manifest: Sam2Manifest; weights: TinySam2Weights }> {
  const manifestPath = path.join(dir, SAM2_MANIFEST_FILE);
  const manifest = await readManifest(manifestPath);
  if (!manifest.weights) {
    throw new Sam2ManifestError(
      manifestPath,
      'weights',
      'the safetensors file of a tiny SAM2 checkpoint',
      'missing',
    );
  }
  const weightsPath = path.join(dir, manifest.weights);
  const weights = tinySam2WeightsFrom(await readSafetensors(weightsPath), weightsPath);
  const want = manifest.dims;
  const got = weights.config.dims;
  const mismatch = (Object.keys(want) as (keyof typeof want)[]).find((k) => want[k] !== got[k]);
  if (mismatch) {
    throw new Sam2WeightsError(
      weightsPath,
      '',
      `a config with the manifest's dims.${mismatch} = ${want[mismatch]}`,
      `dims.${mismatch} = ${got[mismatch]}`,
    );
  }
  return { manifest, weights };
}
