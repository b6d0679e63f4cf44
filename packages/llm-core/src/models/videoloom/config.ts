import { positiveInt, tokenId } from '../../config/validate.js';
import { ModelConfigError } from '../../errors/index.js';
import { type LoraConfig, resolveLoraConfig } from '../../lora/config.js';
import { INTERNVIT_300M, resolveVisionConfig, type VisionEncoderConfig } from '../internvit/config.js';
import {
  type FastPoolConfig,
  type ProjectorConfig,
  resolveFastPoolConfig,
  resolveProjectorConfig,
} from '../projector/config.js';
import {
  type DecoderConfig,
  QWEN25_0_5B,
  QWEN25_1_5B,
  QWEN25_7B,
  resolveDecoderConfig,
} from '../qwen2/config.js';

/** The `[SEG]` projection `text_hidden_fcs`: Linear(D -> D) -> ReLU -> Linear(D -> outputSize). */
export interface SegHeadConfig {
  /** SAM2 prompt width; loaders take it from `text_hidden_fcs.2.weight`. @defaultValue 256 */
  readonly outputSize: number;
}

/**
 * Special-token ids the model itself needs. They come from the checkpoint's tokenizer files (or its
 * config), never from constants in code.
 */
export interface SpecialTokenIds {
  /** `<IMG_CONTEXT>`: rows overwritten by visual tokens. */
  readonly imgContext: number;
  /** `[SEG]`: positions whose final hidden state feeds the seg head. */
  readonly seg: number;
}

/** The whole VideoLoom MLLM: vision encoder, projector, fast pooling, decoder, seg head, optional LoRA. */
export interface VideoLoomModelConfig {
  readonly vision: VisionEncoderConfig;
  readonly projector: ProjectorConfig;
  readonly fastPool: FastPoolConfig;
  readonly decoder: DecoderConfig;
  readonly segHead: SegHeadConfig;
  readonly specialTokens: SpecialTokenIds;
  /** LoRA adapters on the decoder; `null` for none. @defaultValue null */
  readonly lora: LoraConfig | null;
  /**
   * Fast frames also embed their difference with the previous fast frame (the motion patch embedding,
   * a VideoLoom-TS extension for tiny models trained from scratch; released checkpoints have none).
   * @defaultValue false
   */
  readonly fastFrameMotion: boolean;
}

/** A config where every group may be partial; `resolveModelConfig` fills defaults. */
export interface VideoLoomModelConfigInput {
  readonly vision?: Partial<VisionEncoderConfig>;
  readonly projector?: Partial<ProjectorConfig>;
  readonly fastPool?: Partial<FastPoolConfig>;
  readonly decoder?: Partial<DecoderConfig>;
  readonly segHead?: Partial<SegHeadConfig>;
  readonly specialTokens: SpecialTokenIds;
  readonly lora?: Partial<LoraConfig> | null;
  readonly fastFrameMotion?: boolean;
}

/** Validates a model config and fills every default. `path` (the config file) goes into errors. */
export function resolveModelConfig(input: VideoLoomModelConfigInput, path?: string): VideoLoomModelConfig {
  if (!input.specialTokens) {
    throw new ModelConfigError(
      'specialTokens',
      '{ imgContext, seg } token ids from the tokenizer',
      undefined,
      path,
    );
  }
  const vision = resolveVisionConfig(input.vision ?? {}, path);
  const fastPool = resolveFastPoolConfig(input.fastPool ?? {}, path);
  const side = vision.imageSize / vision.patchSize / 2;
  if (!Number.isInteger(side) || side % fastPool.poolSize !== 0) {
    throw new ModelConfigError(
      'fastPool.poolSize',
      `a divisor of the projected grid side ${side} (imageSize / patchSize / 2)`,
      fastPool.poolSize,
      path,
    );
  }
  return {
    vision,
    projector: resolveProjectorConfig(input.projector ?? {}, path),
    fastPool,
    decoder: resolveDecoderConfig(input.decoder ?? {}, path),
    segHead: { outputSize: positiveInt(input.segHead?.outputSize, 'segHead.outputSize', 256, path) },
    specialTokens: {
      imgContext: tokenId(input.specialTokens.imgContext, 'specialTokens.imgContext', path),
      seg: tokenId(input.specialTokens.seg, 'specialTokens.seg', path),
    },
    lora: input.lora ? resolveLoraConfig(input.lora, path) : null,
    fastFrameMotion: input.fastFrameMotion ?? false,
  };
}

/** Token ids of InternVL3's added tokens plus `[SEG]` (section 6 of the model reference); verify against the tokenizer. */
const INTERNVL3_TOKENS: SpecialTokenIds = { imgContext: 151667, seg: 151674 };

/**
 * Named configurations. The InternVL3 ones describe the released checkpoints (vocab +1 for `[SEG]`);
 * `tiny` is the CPU-trainable miniature, `bench100m` a ~100M-parameter decoder for benchmarks.
 */
export const MODEL_PRESETS = {
  'internvl3-1b': {
    vision: INTERNVIT_300M,
    decoder: { ...QWEN25_0_5B, vocabSize: 151675 },
    specialTokens: INTERNVL3_TOKENS,
  },
  'internvl3-2b': {
    vision: INTERNVIT_300M,
    decoder: { ...QWEN25_1_5B, vocabSize: 151675 },
    specialTokens: INTERNVL3_TOKENS,
  },
  'internvl3-8b': {
    vision: INTERNVIT_300M,
    decoder: { ...QWEN25_7B, vocabSize: 151675 },
    specialTokens: INTERNVL3_TOKENS,
  },
  tiny: {
    vision: {
      imageSize: 224,
      patchSize: 14,
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      intermediateSize: 256,
    },
    decoder: {
      hiddenSize: 128,
      numLayers: 2,
      numHeads: 4,
      numKeyValueHeads: 2,
      headDim: 32,
      intermediateSize: 512,
      vocabSize: 512,
    },
    fastPool: { poolSize: 4 },
    segHead: { outputSize: 32 },
    specialTokens: { imgContext: 500, seg: 501 },
    lora: { rank: 8, alpha: 16, dropout: 0.05 },
  },
  bench100m: {
    vision: {
      imageSize: 224,
      patchSize: 14,
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      intermediateSize: 256,
    },
    decoder: {
      hiddenSize: 768,
      numLayers: 12,
      numHeads: 12,
      numKeyValueHeads: 4,
      headDim: 64,
      intermediateSize: 2048,
      vocabSize: 16384,
    },
    fastPool: { poolSize: 4 },
    segHead: { outputSize: 32 },
    specialTokens: { imgContext: 16000, seg: 16001 },
  },
} as const satisfies Record<string, VideoLoomModelConfigInput>;

export type ModelPresetName = keyof typeof MODEL_PRESETS;

/** A preset, resolved, with optional overrides per group. */
export function presetConfig(
  name: ModelPresetName,
  overrides: Partial<VideoLoomModelConfigInput> = {},
): VideoLoomModelConfig {
  const base = MODEL_PRESETS[name] as VideoLoomModelConfigInput;
  return resolveModelConfig({
    ...base,
    ...overrides,
    specialTokens: overrides.specialTokens ?? base.specialTokens,
  });
}

type Json = Record<string, unknown>;

/**
 * Reads an InternVL-style `config.json` (`vision_config`, `llm_config`, `downsample_ratio`,
 * `ps_version`, `select_layer`) plus our `videoloom` section. Special-token ids missing from the file
 * must be passed in `specialTokens` (read them from the tokenizer).
 */
export function modelConfigFromHfJson(
  json: Json,
  path?: string,
  specialTokens?: Partial<SpecialTokenIds>,
): VideoLoomModelConfig {
  const v = (json.vision_config ?? {}) as Json;
  const l = (json.llm_config ?? {}) as Json;
  const ours = (json.videoloom ?? {}) as Json;
  if (json.ps_version !== undefined && json.ps_version !== 'v2') {
    throw new ModelConfigError('ps_version', '"v2" (InternVL2.5/3 pixel shuffle)', json.ps_version, path);
  }
  if (json.select_layer !== undefined && json.select_layer !== -1) {
    throw new ModelConfigError('select_layer', '-1 (last ViT layer)', json.select_layer, path);
  }
  if (v.qk_normalization === true || (v.norm_type !== undefined && v.norm_type !== 'layer_norm')) {
    throw new ModelConfigError(
      'vision_config.norm_type',
      'layer_norm without qk normalisation (InternViT-300M)',
      v.norm_type,
      path,
    );
  }
  const tokens = (ours.special_token_ids ?? {}) as Json;
  const fastPool = (ours.fast_pool ?? {}) as Json;
  const lora = ours.lora as Json | null | undefined;
  const numHeads = l.num_attention_heads as number | undefined;
  return resolveModelConfig(
    {
      vision: {
        imageSize: (v.image_size ?? json.force_image_size) as number,
        patchSize: v.patch_size as number,
        hiddenSize: v.hidden_size as number,
        numLayers: v.num_hidden_layers as number,
        numHeads: v.num_attention_heads as number,
        intermediateSize: v.intermediate_size as number,
        layerNormEps: v.layer_norm_eps as number,
        initializerRange: v.initializer_range as number,
      },
      projector: { downsampleRatio: (json.downsample_ratio ?? 0.5) as 0.5 },
      fastPool: { poolSize: fastPool.pool_size as number, operator: fastPool.operator as 'avg' | 'max' },
      decoder: {
        hiddenSize: l.hidden_size as number,
        numLayers: l.num_hidden_layers as number,
        numHeads,
        numKeyValueHeads: l.num_key_value_heads as number,
        headDim: (l.head_dim ?? (numHeads ? (l.hidden_size as number) / numHeads : undefined)) as number,
        intermediateSize: l.intermediate_size as number,
        vocabSize: l.vocab_size as number,
        rmsNormEps: l.rms_norm_eps as number,
        ropeTheta: l.rope_theta as number,
        tieWordEmbeddings: l.tie_word_embeddings as boolean,
        initializerRange: l.initializer_range as number,
      },
      segHead: { outputSize: ((ours.seg_head ?? {}) as Json).output_size as number },
      specialTokens: {
        imgContext: (specialTokens?.imgContext ?? tokens.img_context) as number,
        seg: (specialTokens?.seg ?? tokens.seg) as number,
      },
      lora: lora
        ? {
            rank: lora.r as number,
            alpha: lora.lora_alpha as number,
            dropout: lora.lora_dropout as number,
            targets: lora.target_modules as LoraConfig['targets'],
          }
        : null,
      fastFrameMotion: ours.fast_frame_motion === true,
    },
    path,
  );
}

/** Writes a config in the same InternVL-style layout `modelConfigFromHfJson` reads. */
export function modelConfigToHfJson(config: VideoLoomModelConfig): Json {
  const { vision: v, decoder: d } = config;
  return {
    architectures: ['InternVLChatModel'],
    model_type: 'internvl_chat',
    downsample_ratio: config.projector.downsampleRatio,
    ps_version: 'v2',
    select_layer: -1,
    force_image_size: v.imageSize,
    vision_config: {
      image_size: v.imageSize,
      patch_size: v.patchSize,
      hidden_size: v.hiddenSize,
      num_hidden_layers: v.numLayers,
      num_attention_heads: v.numHeads,
      intermediate_size: v.intermediateSize,
      layer_norm_eps: v.layerNormEps,
      initializer_range: v.initializerRange,
      hidden_act: 'gelu',
      norm_type: 'layer_norm',
      qkv_bias: true,
      qk_normalization: false,
    },
    llm_config: {
      architectures: ['Qwen2ForCausalLM'],
      hidden_size: d.hiddenSize,
      num_hidden_layers: d.numLayers,
      num_attention_heads: d.numHeads,
      num_key_value_heads: d.numKeyValueHeads,
      head_dim: d.headDim,
      intermediate_size: d.intermediateSize,
      vocab_size: d.vocabSize,
      rms_norm_eps: d.rmsNormEps,
      rope_theta: d.ropeTheta,
      tie_word_embeddings: d.tieWordEmbeddings,
      initializer_range: d.initializerRange,
      hidden_act: 'silu',
    },
    videoloom: {
      fast_pool: { pool_size: config.fastPool.poolSize, operator: config.fastPool.operator },
      special_token_ids: { img_context: config.specialTokens.imgContext, seg: config.specialTokens.seg },
      seg_head: { output_size: config.segHead.outputSize },
      ...(config.fastFrameMotion ? { fast_frame_motion: true } : {}),
      lora: config.lora
        ? {
            r: config.lora.rank,
            lora_alpha: config.lora.alpha,
            lora_dropout: config.lora.dropout,
            target_modules: config.lora.targets,
          }
        : null,
    },
  };
}
