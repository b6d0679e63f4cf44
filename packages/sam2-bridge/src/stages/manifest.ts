import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { Sam2ManifestError } from '../errors/manifest-error.js';
import {
  SAM2_DIMS,
  SAM2_STAGES,
  type Sam2Dims,
  type Sam2StageName,
  sam2DimsForImageSize,
  sam2DimsProblems,
} from './contract.js';

/** File name of the manifest inside a graph directory. */
export const SAM2_MANIFEST_FILE = 'sam2-manifest.json';
export const SAM2_MANIFEST_FORMAT = 'videoloom-sam2/1';

/**
 * Switchable behaviours of the TypeScript side (reference §3.4, §3.5, §3.9, §3.10). The learned
 * differences between SAM2.0 and SAM2.1 (pointer temporal code, no-object spatial embedding) live
 * inside the graphs; these are the ones left to the bridge.
 */
export interface Sam2Behaviour {
  /** Pick mask 1 + argmax(IoU[1..3]) (SAM2 with zero clicks, Sa2VA); false takes token 0. */
  readonly bestOfThree: boolean;
  /** Replace the low-res logits by −1024 where the object score ≤ 0 (SAM2: on; Sa2VA: off). */
  readonly fillAbsentWithNoObjScore: boolean;
  /** Round stored memory features to bfloat16 (both SAM2 and Sa2VA do). */
  readonly storeMemoriesAsBfloat16: boolean;
  /** Fill background holes of at most this many low-res pixels in the output masks (SAM2.1 builder: 8; Sa2VA: 0). */
  readonly fillHoleArea: number;
  /**
   * Treat every frame as a keyframe: each one is decoded with the [SEG] embeddings (K = 1) and no
   * memory, nothing is propagated, and the memory encoder / memory attention never run. How Sa2VA
   * trains (every sampled frame is a conditioning frame) and how models whose memory stages are
   * untrained (the tiny synthetic ones) are used. SAM2, Sa2VA: off.
   */
  readonly promptEveryFrame: boolean;
}

export type Sam2PresetName = 'sam2.1' | 'sa2va' | 'tiny-128';

/**
 * SAM2.1 video-predictor defaults, Sa2VA as released (VideoLoom's parent), and the tiny 128-px
 * synthetic model (`TINY_SAM2_CONFIGS['tiny-128']`): trained from scratch on token 0 only, with
 * untrained memory stages, so it prompts every frame and keeps the single-mask output.
 */
export const SAM2_PRESETS: Readonly<Record<Sam2PresetName, Sam2Behaviour>> = Object.freeze({
  'sam2.1': {
    bestOfThree: true,
    fillAbsentWithNoObjScore: true,
    storeMemoriesAsBfloat16: true,
    fillHoleArea: 8,
    promptEveryFrame: false,
  },
  sa2va: {
    bestOfThree: true,
    fillAbsentWithNoObjScore: false,
    storeMemoriesAsBfloat16: true,
    fillHoleArea: 0,
    promptEveryFrame: false,
  },
  'tiny-128': {
    bestOfThree: false,
    fillAbsentWithNoObjScore: false,
    storeMemoriesAsBfloat16: true,
    fillHoleArea: 0,
    promptEveryFrame: true,
  },
});

/** Memory-selection constants (reference §3.7). */
export interface Sam2MemoryConfig {
  readonly numMaskmem: number;
  readonly maxObjPtrs: number;
  readonly maxCondFramesInAttn: number;
  readonly memoryTemporalStride: number;
}

export const SAM2_MEMORY_CONFIG: Sam2MemoryConfig = Object.freeze({
  numMaskmem: 7,
  maxObjPtrs: 16,
  maxCondFramesInAttn: -1,
  memoryTemporalStride: 1,
});

/** What sits next to the four graphs: which files, which SAM2 variant, which behaviours. */
export interface Sam2Manifest {
  readonly format: typeof SAM2_MANIFEST_FORMAT;
  /** Learned-architecture variant the graphs were exported from. */
  readonly variant: 'sam2.0' | 'sam2.1';
  /** Behaviour preset these settings came from (informational). */
  readonly preset: Sam2PresetName | 'custom';
  readonly dims: Sam2Dims;
  readonly memory: Sam2MemoryConfig;
  readonly behaviour: Sam2Behaviour;
  /** Graph file per stage, relative to the manifest. */
  readonly graphs: Readonly<Record<Sam2StageName, string>>;
  /** Mask decoder weights (safetensors) for the tfjs training path, relative to the manifest. */
  readonly decoderWeights?: string;
  /**
   * Every learned tensor of the four stages in one safetensors file (models trained in TypeScript,
   * e.g. `TfjsTinySam2` checkpoints), relative to the manifest. The graphs were built from it.
   */
  readonly weights?: string;
  /**
   * SAM2's prompt-encoder weights (safetensors: the Gaussian matrix, 4 point embeddings,
   * `not_a_point`) for box/point keyframes, relative to the manifest. Absent: [SEG] prompts only.
   */
  readonly promptEncoderWeights?: string;
  /** Where the graphs came from (checkpoint name, exporter version, or "tiny test graphs"). */
  readonly source: string;
}

/** Builds a manifest with defaults filled in. */
export function createManifest(init: {
  variant: 'sam2.0' | 'sam2.1';
  preset: Sam2PresetName;
  source: string;
  decoderWeights?: string;
  weights?: string;
  /** @defaultValue SAM2_DIMS */
  dims?: Sam2Dims;
  promptEncoderWeights?: string;
  behaviour?: Partial<Sam2Behaviour>;
  graphs?: Partial<Record<Sam2StageName, string>>;
}): Sam2Manifest {
  const graphs = Object.fromEntries(SAM2_STAGES.map((s) => [s, init.graphs?.[s] ?? `${s}.onnx`])) as Record<
    Sam2StageName,
    string
  >;
  return {
    format: SAM2_MANIFEST_FORMAT,
    variant: init.variant,
    preset: init.behaviour ? 'custom' : init.preset,
    dims: init.dims ?? SAM2_DIMS,
    memory: SAM2_MEMORY_CONFIG,
    behaviour: { ...SAM2_PRESETS[init.preset], ...init.behaviour },
    graphs,
    ...(init.decoderWeights ? { decoderWeights: init.decoderWeights } : {}),
    ...(init.weights ? { weights: init.weights } : {}),
    ...(init.promptEncoderWeights ? { promptEncoderWeights: init.promptEncoderWeights } : {}),
    source: init.source,
  };
}

/** Parses and checks a manifest; every wrong field is a `Sam2ManifestError` naming it. */
export function parseManifest(text: string, path = SAM2_MANIFEST_FILE): Sam2Manifest {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new Sam2ManifestError(path, '', 'JSON', 'unparseable text', { cause });
  }
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new Sam2ManifestError(path, field, expected, JSON.stringify(value) ?? 'missing');
  };
  if (raw.format !== SAM2_MANIFEST_FORMAT) fail('format', `"${SAM2_MANIFEST_FORMAT}"`, raw.format);
  if (raw.variant !== 'sam2.0' && raw.variant !== 'sam2.1')
    fail('variant', '"sam2.0" or "sam2.1"', raw.variant);
  const graphs = (raw.graphs ?? {}) as Record<string, unknown>;
  for (const stage of SAM2_STAGES) {
    if (typeof graphs[stage] !== 'string') fail(`graphs.${stage}`, 'a file name', graphs[stage]);
  }
  // Grids default to what the image side implies; every field is then checked against the others.
  const rawDims = (raw.dims ?? {}) as Partial<Sam2Dims>;
  const side = rawDims.imageSize;
  const implied =
    typeof side === 'number' && Number.isInteger(side) && side >= 16 && side % 16 === 0
      ? sam2DimsForImageSize(side)
      : SAM2_DIMS;
  const dims = { ...implied, ...rawDims } as Sam2Dims;
  for (const problem of sam2DimsProblems(dims))
    fail(`dims.${problem.field}`, problem.expected, dims[problem.field]);
  const memory = { ...SAM2_MEMORY_CONFIG, ...(raw.memory as object) } as Sam2MemoryConfig;
  for (const key of ['numMaskmem', 'maxObjPtrs', 'memoryTemporalStride'] as const) {
    if (!Number.isInteger(memory[key]) || memory[key] < 1)
      fail(`memory.${key}`, 'a positive integer', memory[key]);
  }
  const preset = (raw.preset ?? 'sam2.1') as Sam2PresetName | 'custom';
  const presetKey = preset === 'custom' ? 'sam2.1' : preset;
  const base = Object.hasOwn(SAM2_PRESETS, presetKey) ? SAM2_PRESETS[presetKey] : undefined;
  if (!base)
    fail(
      'preset',
      `${Object.keys(SAM2_PRESETS)
        .map((p) => `"${p}"`)
        .join(', ')} or "custom"`,
      raw.preset,
    );
  const behaviour = { ...base, ...(raw.behaviour as object) } as Sam2Behaviour;
  for (const key of [
    'bestOfThree',
    'fillAbsentWithNoObjScore',
    'storeMemoriesAsBfloat16',
    'promptEveryFrame',
  ] as const) {
    if (typeof behaviour[key] !== 'boolean') fail(`behaviour.${key}`, 'true or false', behaviour[key]);
  }
  if (!Number.isInteger(behaviour.fillHoleArea) || behaviour.fillHoleArea < 0) {
    fail('behaviour.fillHoleArea', 'an integer ≥ 0', behaviour.fillHoleArea);
  }
  if (raw.promptEncoderWeights !== undefined && typeof raw.promptEncoderWeights !== 'string')
    fail('promptEncoderWeights', 'a file name', raw.promptEncoderWeights);
  return {
    format: SAM2_MANIFEST_FORMAT,
    variant: raw.variant as 'sam2.0' | 'sam2.1',
    preset,
    dims,
    memory,
    behaviour,
    graphs: graphs as Record<Sam2StageName, string>,
    ...(typeof raw.decoderWeights === 'string' ? { decoderWeights: raw.decoderWeights } : {}),
    ...(typeof raw.weights === 'string' ? { weights: raw.weights } : {}),
    ...(typeof raw.promptEncoderWeights === 'string'
      ? { promptEncoderWeights: raw.promptEncoderWeights }
      : {}),
    source: typeof raw.source === 'string' ? raw.source : 'unknown',
  };
}

export async function readManifest(path: string): Promise<Sam2Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new Sam2ManifestError(path, '', `a readable ${SAM2_MANIFEST_FILE}`, 'no such file', { cause });
  }
  return parseManifest(text, path);
}

/** Writes atomically (temp file + rename). */
export async function writeManifest(path: string, manifest: Sam2Manifest): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temp, path);
}
