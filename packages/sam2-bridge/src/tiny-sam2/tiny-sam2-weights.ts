import {
  MASK_DECODER_CONFIG_KEY,
  type MaskDecoderConfig,
  type MaskDecoderWeights,
  maskDecoderWeightShapes,
  maskDecoderWeightsFrom,
  randomMaskDecoderWeights,
} from '../decoder/mask-decoder-weights.js';
import { Sam2WeightsError } from '../errors/weights-error.js';
import { buildMaskDecoderGraph } from '../onnx/mask-decoder-graph.js';
import { buildTinyPatchEncoderGraph } from '../onnx/tiny-patch-encoder-graph.js';
import { buildTinyMemoryAttention, buildTinyMemoryEncoder } from '../onnx/tiny-stage-graphs.js';
import type { Sam2StageName } from '../stages/contract.js';
import {
  randomTinyStageWeights,
  type TinyStageName,
  type TinyStageWeights,
  tinyStageWeightShapes,
} from '../tiny/tiny-stage-weights.js';
import type { WeightSet, WeightTensor } from '../weights/safetensors.js';
import {
  randomTinyImageEncoderWeights,
  TINY_SAM2_CONFIGS,
  type TinySam2Config,
  tinyImageEncoderWeightShapes,
  tinySam2ConfigProblems,
} from './tiny-sam2-config.js';

/** Metadata key of the `TinySam2Config` JSON in a tiny SAM2 checkpoint. */
export const TINY_SAM2_CONFIG_KEY = 'videoloom.tiny_sam2_config';

/**
 * Every learned tensor of a tiny SAM2, PyTorch layout, float32. The image encoder and the mask
 * decoder are what `TfjsTinySam2` trains; the memory stages are drawn once and kept (their graphs are
 * needed by the four-stage contract, and by propagation if a later model trains them).
 */
export interface TinySam2Weights {
  readonly config: TinySam2Config;
  /** Patch encoder tensors, `image_encoder.*` names (see `tinyImageEncoderWeightShapes`). */
  readonly imageEncoder: ReadonlyMap<string, WeightTensor>;
  /** SAM2 state-dict names (`sam_mask_decoder.*`, `sam_prompt_encoder.*`, `obj_ptr_proj.*`, `no_obj_ptr`). */
  readonly decoder: MaskDecoderWeights;
  /** Tiny memory encoder tensors (names as `tinyStageWeightShapes('memory_encoder')`). */
  readonly memoryEncoder: TinyStageWeights;
  /** Tiny memory attention tensors (names as `tinyStageWeightShapes('memory_attention')`). */
  readonly memoryAttention: TinyStageWeights;
}

const MEMORY_PREFIX: Record<Exclude<TinyStageName, 'image_encoder'>, string> = {
  memory_encoder: 'memory_encoder.',
  memory_attention: 'memory_attention.',
};

/** Fresh weights for a config (by name or value), every tensor drawn on its own from `seed`. */
export function randomTinySam2Weights(
  config: TinySam2Config | keyof typeof TINY_SAM2_CONFIGS = 'tiny-128',
  seed = 1,
): TinySam2Weights {
  const resolved = typeof config === 'string' ? TINY_SAM2_CONFIGS[config] : config;
  return {
    config: resolved,
    imageEncoder: randomTinyImageEncoderWeights(resolved, seed * 1000 + 101),
    decoder: randomMaskDecoderWeights(resolved.decoder, seed * 1000 + 1),
    memoryEncoder: randomTinyStageWeights('memory_encoder', seed * 1000 + 201),
    memoryAttention: randomTinyStageWeights('memory_attention', seed * 1000 + 301),
  };
}

/** One weight set (one safetensors file) holding everything, config in the metadata. */
export function tinySam2WeightSet(weights: TinySam2Weights): WeightSet {
  const tensors = new Map<string, WeightTensor>([...weights.imageEncoder, ...weights.decoder.tensors]);
  for (const [name, t] of weights.memoryEncoder) tensors.set(`${MEMORY_PREFIX.memory_encoder}${name}`, t);
  for (const [name, t] of weights.memoryAttention) tensors.set(`${MEMORY_PREFIX.memory_attention}${name}`, t);
  return {
    tensors,
    metadata: {
      [TINY_SAM2_CONFIG_KEY]: JSON.stringify(weights.config),
      // The decoder's own key too, so `maskDecoderWeightsFrom` reads this file as a decoder checkpoint.
      [MASK_DECODER_CONFIG_KEY]: JSON.stringify(weights.decoder.config),
    },
  };
}

/**
 * Reads a tiny SAM2 weight set: the config from the metadata, then every tensor checked for presence
 * and shape (`Sam2WeightsError` names the file, the tensor, what was expected and what was found).
 */
export function tinySam2WeightsFrom(set: WeightSet, label = '<in-memory weights>'): TinySam2Weights {
  const raw = set.metadata[TINY_SAM2_CONFIG_KEY];
  if (raw === undefined) {
    throw new Sam2WeightsError(
      label,
      '',
      `metadata "${TINY_SAM2_CONFIG_KEY}" (a tiny SAM2 checkpoint)`,
      'none',
    );
  }
  let config: TinySam2Config;
  try {
    config = JSON.parse(raw) as TinySam2Config;
  } catch {
    throw new Sam2WeightsError(label, '', `JSON in metadata "${TINY_SAM2_CONFIG_KEY}"`, raw.slice(0, 80));
  }
  const problems = tinySam2ConfigProblems(config);
  if (problems.length > 0) {
    throw new Sam2WeightsError(
      label,
      '',
      `a consistent config in "${TINY_SAM2_CONFIG_KEY}"`,
      problems.join('; '),
    );
  }
  const pick = (shapes: Map<string, readonly number[]>, prefix: string): Map<string, WeightTensor> => {
    const out = new Map<string, WeightTensor>();
    for (const [name, dims] of shapes) {
      const t = set.tensors.get(`${prefix}${name}`);
      if (!t)
        throw new Sam2WeightsError(
          label,
          `${prefix}${name}`,
          `a tensor of shape [${dims}]`,
          'no such tensor',
        );
      if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i]))
        throw new Sam2WeightsError(label, `${prefix}${name}`, `shape [${dims}]`, `shape [${t.dims}]`);
      out.set(name, t);
    }
    return out;
  };
  const decoderSet: WeightSet = {
    tensors: set.tensors,
    metadata: { [MASK_DECODER_CONFIG_KEY]: JSON.stringify(config.decoder satisfies MaskDecoderConfig) },
  };
  return {
    config,
    imageEncoder: pick(tinyImageEncoderWeightShapes(config), ''),
    // The decoder's own tensors only: the file's image-encoder copies would outlive training in
    // `tinySam2WeightSet` (later map entries win) and a loaded model would save them back unchanged.
    decoder: decoderTensorsOnly(maskDecoderWeightsFrom(decoderSet, label)),
    memoryEncoder: pick(tinyStageWeightShapes('memory_encoder'), MEMORY_PREFIX.memory_encoder),
    memoryAttention: pick(tinyStageWeightShapes('memory_attention'), MEMORY_PREFIX.memory_attention),
  };
}

/** Only the decoder's own tensors (the weight set may hold more). */
export function decoderTensorsOnly(weights: MaskDecoderWeights): MaskDecoderWeights {
  const names = maskDecoderWeightShapes(weights.config);
  return {
    config: weights.config,
    tensors: new Map([...weights.tensors].filter(([name]) => names.has(name))),
  };
}

/** The four stage graphs of a tiny SAM2, built from its weights (ONNX bytes, contract of the config's dims). */
export function buildTinySam2Graphs(weights: TinySam2Weights): Record<Sam2StageName, Uint8Array> {
  const { dims } = weights.config;
  return {
    image_encoder: buildTinyPatchEncoderGraph(weights.config, weights.imageEncoder),
    mask_decoder: buildMaskDecoderGraph(decoderTensorsOnly(weights.decoder)),
    memory_encoder: buildTinyMemoryEncoder(weights.memoryEncoder, { dims }),
    memory_attention: buildTinyMemoryAttention(weights.memoryAttention, { dims }),
  };
}
