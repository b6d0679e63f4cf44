import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  maskDecoderWeightSet,
  randomMaskDecoderWeights,
  TINY_MASK_DECODER_CONFIG,
} from '../decoder/mask-decoder-weights.js';
import { buildMaskDecoderGraph } from '../onnx/mask-decoder-graph.js';
import {
  PROMPT_ENCODER_WEIGHTS_FILE,
  promptEncoderWeightSet,
  randomPromptEncoderWeights,
} from '../prompt/prompt-encoder.js';
import type { Sam2StageName } from '../stages/contract.js';
import {
  createManifest,
  SAM2_MANIFEST_FILE,
  type Sam2Manifest,
  type Sam2PresetName,
} from '../stages/manifest.js';
import { serializeSafetensors } from '../weights/safetensors.js';
import { buildTinyImageEncoder, buildTinyMemoryAttention, buildTinyMemoryEncoder } from './tiny-stages.js';

/** The files of a tiny SAM2 model, in memory. */
export interface TinySam2Files {
  readonly manifest: Sam2Manifest;
  readonly graphs: Record<Sam2StageName, Uint8Array>;
  /** The mask decoder's weights: the `mask_decoder` graph was built from exactly these. */
  readonly decoderWeights: Uint8Array;
  /** The prompt encoder's weights (box/point prompts); `not_a_point` and the Gaussian matrix are the decoder's. */
  readonly promptEncoderWeights: Uint8Array;
}

/** Builds a tiny SAM2.1-style model (random weights from `seed`) with the full §5 contract. */
export function buildTinySam2(options: { seed?: number; preset?: Sam2PresetName } = {}): TinySam2Files {
  const seed = options.seed ?? 1;
  const decoder = randomMaskDecoderWeights(TINY_MASK_DECODER_CONFIG, seed);
  const shared = (name: string) => decoder.tensors.get(`sam_prompt_encoder.${name}`)!.data;
  const promptEncoder = randomPromptEncoderWeights(seed * 1000 + 401, {
    gaussian: shared('pe_layer.positional_encoding_gaussian_matrix'),
    notAPoint: shared('not_a_point_embed.weight'),
  });
  return {
    manifest: createManifest({
      variant: 'sam2.1',
      preset: options.preset ?? 'sam2.1',
      source: `tiny random test graphs (seed ${seed}), not SAM2 weights`,
      decoderWeights: 'mask_decoder.safetensors',
      promptEncoderWeights: PROMPT_ENCODER_WEIGHTS_FILE,
    }),
    graphs: {
      image_encoder: buildTinyImageEncoder(seed * 1000 + 101),
      mask_decoder: buildMaskDecoderGraph(decoder),
      memory_encoder: buildTinyMemoryEncoder(seed * 1000 + 201),
      memory_attention: buildTinyMemoryAttention(seed * 1000 + 301),
    },
    decoderWeights: serializeSafetensors(maskDecoderWeightSet(decoder)),
    promptEncoderWeights: serializeSafetensors(promptEncoderWeightSet(promptEncoder)),
  };
}

/** Writes a tiny model directory (each file atomically: temp + rename). */
export async function writeTinySam2(
  dir: string,
  options: { seed?: number; preset?: Sam2PresetName } = {},
): Promise<TinySam2Files> {
  const files = buildTinySam2(options);
  await mkdir(dir, { recursive: true });
  const put = async (name: string, bytes: Uint8Array | string) => {
    const target = path.join(dir, name);
    await writeFile(`${target}.tmp`, bytes);
    await rename(`${target}.tmp`, target);
  };
  for (const [stage, bytes] of Object.entries(files.graphs))
    await put(files.manifest.graphs[stage as Sam2StageName], bytes);
  await put('mask_decoder.safetensors', files.decoderWeights);
  await put(PROMPT_ENCODER_WEIGHTS_FILE, files.promptEncoderWeights);
  await put(SAM2_MANIFEST_FILE, `${JSON.stringify(files.manifest, null, 2)}\n`);
  return files;
}
