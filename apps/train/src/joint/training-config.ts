import type { ParameterGroup, VideoLoomModelConfigInput } from '@videoloom/llm-core';
import { COMPACT_TASK_PROMPTS, type TaskPrompts } from '@videoloom/llm-core';
import type { SlowFastLayoutConfig } from '@videoloom/slowfast';
import { TrainingDataError } from './errors.js';
import type { ExampleTask, FrameReadout } from './examples.js';
import type { JointLossWeights } from './joint-loss.js';
import type { FrameSampling } from './synth-videos.js';

/** Everything a joint training run depends on; stored in every checkpoint so a resume cannot drift. */
export interface JointTrainingConfig {
  /** A name for reports (the ablation table's row label). */
  readonly name: string;
  /** Seeds weights, batch order and mask-frame picks. */
  readonly seed: number;
  /** The MLLM (llm-core config input; special-token ids are filled from the tokenizer). */
  readonly model: Omit<VideoLoomModelConfigInput, 'specialTokens'>;
  readonly sampling: FrameSampling;
  readonly layout: SlowFastLayoutConfig;
  readonly prompts: TaskPrompts;
  /** Relative frequency of each example kind. */
  readonly taskMix: Readonly<Record<ExampleTask, number>>;
  readonly loss: JointLossWeights;
  /** Where the frame-event and span heads read each fast frame. @defaultValue 'frame-id' */
  readonly frameReadout?: FrameReadout;
  /**
   * 'full' trains every parameter; 'lora' trains the paper's set (LoRA, embeddings, lm_head, seg head);
   * a list trains exactly those groups (e.g. all but 'vision' keeps a ViT from `--init` as it is).
   */
  readonly finetune: 'full' | 'lora' | readonly ParameterGroup[];
  readonly optimizer: {
    readonly learningRate: number;
    readonly weightDecay: number;
    readonly maxGradNorm: number;
    /** Fraction of the steps spent in linear warm-up (then cosine decay to 0). */
    readonly warmupRatio: number;
  };
  readonly steps: number;
  /** Videos per step; every video contributes `examplesPerVideo` sequences on shared visual tokens. */
  readonly videosPerStep: number;
  readonly examplesPerVideo: number;
  /** Mask-loss frames per [SEG] example. */
  readonly maskFramesPerExample: number;
  readonly validateEvery: number;
  /** Val When items scored by greedy decoding at each validation. */
  readonly validationItems: number;
  readonly checkpointEvery: number;
}

const BASE: JointTrainingConfig = {
  name: 'slowfast',
  seed: 7,
  model: {
    vision: { imageSize: 64, patchSize: 8, hiddenSize: 64, numLayers: 2, numHeads: 4, intermediateSize: 128 },
    decoder: {
      hiddenSize: 128,
      numLayers: 3,
      numHeads: 4,
      numKeyValueHeads: 2,
      headDim: 32,
      intermediateSize: 384,
      // About 1/sqrt(128). At the released models' 0.02 this decoder did not learn to mark the frames a
      // question asks about in 300 steps even with perfect frame features; at 0.08 it did
      // (experiments/binding.ts).
      initializerRange: 0.08,
    },
    fastPool: { poolSize: 4 },
    segHead: { outputSize: 256 },
    lora: null,
  },
  sampling: { fastFrames: 32, slowFrames: 2, mllmSize: 64, maskFrames: 8 },
  layout: {
    slowTokensPerFrame: 16,
    fastPoolRatio: 4,
    frameIdText: ' {frameId}',
    maxSequenceLength: 1024,
    // Frame states can then be question-aware (the span head trains them to mark the asked frames).
    questionPlacement: 'before-video',
  },
  prompts: COMPACT_TASK_PROMPTS,
  // Off in the presets, which the shipped figures were measured with; see the train README's Where's wall.
  taskMix: {
    when: 0.35,
    dense: 0.2,
    where: 0.15,
    'combined-span': 0.15,
    'combined-mask': 0.15,
    'where-distractor': 0,
  },
  // Frame events sum BCE over 264 sparse labels per frame (~14 nats at their prior): 0.2 keeps the term
  // near the text CE instead of drowning it.
  loss: { text: 1, mask: 1, frameEvents: 0.2, spanFrames: 1 },
  // Read at the id tokens, the span head did not bind in 1,000 steps even on perfect frame features; at
  // the visual tokens it does, and the text answer then grounds too (experiments/oracle-features.ts).
  frameReadout: 'visual',
  finetune: 'full',
  optimizer: { learningRate: 2e-3, weightDecay: 0.01, maxGradNorm: 1, warmupRatio: 0.04 },
  steps: 1500,
  videosPerStep: 2,
  examplesPerVideo: 4,
  maskFramesPerExample: 2,
  validateEvery: 100,
  validationItems: 60,
  checkpointEvery: 50,
};

/**
 * The paper's Table 5 ablation on the tiny model: the same budget of visual positions per video spent
 * three ways. SlowFast: 32 frames x 1 token (+ id) and 2 keyframes x 16 tokens; fast-only: the 32
 * frames alone; slow-only: 4 frames x 16 tokens (each with its id), no fast stream.
 */
export const TRAINING_PRESETS = {
  slowfast: BASE,
  'fast-only': {
    ...BASE,
    name: 'fast-only',
    sampling: { ...BASE.sampling, slowFrames: 0 },
  },
  'slow-only': {
    ...BASE,
    name: 'slow-only',
    model: { ...BASE.model, fastPool: { poolSize: 1 } },
    sampling: { ...BASE.sampling, fastFrames: 4, slowFrames: 0 },
    layout: { ...BASE.layout, fastPoolRatio: 1 },
  },
} as const satisfies Record<string, JointTrainingConfig>;

export type TrainingPresetName = keyof typeof TRAINING_PRESETS;

/** A preset with overrides (e.g. from the CLI), checked. */
export function resolveTrainingConfig(
  preset: string,
  overrides: Partial<
    Pick<JointTrainingConfig, 'steps' | 'seed' | 'validateEvery' | 'checkpointEvery' | 'validationItems'>
  > = {},
): JointTrainingConfig {
  const base = (TRAINING_PRESETS as Record<string, JointTrainingConfig>)[preset];
  if (!base) {
    throw new TrainingDataError(
      '--config',
      `unknown preset "${preset}"; expected one of ${Object.keys(TRAINING_PRESETS).join(', ')}`,
    );
  }
  const config = {
    ...base,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  for (const key of [
    'steps',
    'validateEvery',
    'checkpointEvery',
    'videosPerStep',
    'examplesPerVideo',
  ] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new TrainingDataError(`config.${key}`, `must be a positive integer, got ${config[key]}`);
    }
  }
  return config;
}
