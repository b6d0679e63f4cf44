// Public API of @videoloom/llm-core.

// The safetensors codec is @videoloom/backend's; its format error is re-exported because loading a
// checkpoint throws it.
export { SafetensorsFormatError } from '@videoloom/backend';
export { bundledTinyCheckpointDir } from './assets.js';
export {
  CheckpointMismatchError,
  LlmCoreError,
  ModelConfigError,
  type TensorMismatch,
  TensorShapeError,
  VIDEOLOOM_ERROR_MARKER,
  VisualTokenCountError,
} from './errors/index.js';
export {
  type GenerateOptions,
  type GenerateProgressEvent,
  type GenerateResult,
  generate,
} from './generation/generate.js';
export { argmax, createRandom, type SamplingConfig, sampleTopP } from './generation/sampling.js';
export { attention, causalMask } from './layers/attention.js';
export {
  gatherRows,
  gelu,
  layerNorm,
  linear,
  matMul2d,
  rmsNorm,
  setExplicitTransposeGradients,
  silu,
} from './layers/ops.js';
export { LORA_TARGETS, type LoraConfig, type LoraTarget, resolveLoraConfig } from './lora/config.js';
export { loraModulePath } from './lora/lora.js';
export { bicubicMatrix } from './models/internvit/bicubic.js';
export { INTERNVIT_300M, resolveVisionConfig, type VisionEncoderConfig } from './models/internvit/config.js';
export { resizePositionEmbedding, runVisionEncoder } from './models/internvit/vision-encoder.js';
export {
  type FastPoolConfig,
  type ProjectorConfig,
  resolveFastPoolConfig,
  resolveProjectorConfig,
} from './models/projector/config.js';
export { fastPool, pixelShuffle, runProjector } from './models/projector/projector.js';
export {
  type DecoderConfig,
  QWEN25_0_5B,
  QWEN25_1_5B,
  QWEN25_7B,
  resolveDecoderConfig,
} from './models/qwen2/config.js';
export { type DecoderOutput, type DecoderRunOptions, lmHead, runDecoder } from './models/qwen2/decoder.js';
export { disposeKvCache, type KvCache, type LayerKeyValues } from './models/qwen2/kv-cache.js';
export { applyRope, type RopeTables, ropeTables } from './models/qwen2/rope.js';
export {
  MODEL_PRESETS,
  type ModelPresetName,
  modelConfigFromHfJson,
  modelConfigToHfJson,
  presetConfig,
  resolveModelConfig,
  type SegHeadConfig,
  type SpecialTokenIds,
  type VideoLoomModelConfig,
  type VideoLoomModelConfigInput,
} from './models/videoloom/config.js';
export {
  type ForwardInput,
  type ForwardOutput,
  type FrameTokens,
  modelParameterSpecs,
  PAPER_TRAINABLE_GROUPS,
  VideoLoomModel,
} from './models/videoloom/model.js';
export {
  embedWithVisualTokens,
  type TokenSequence,
  type VisualRun,
  visualPositionsOf,
} from './models/videoloom/visual-substitution.js';
export { VocabularySubset } from './models/videoloom/vocabulary-subset.js';
export type {
  Segmenter,
  SegmenterFrame,
  SegmenterFrameResult,
  SegmenterKeyframe,
  SegmenterRequest,
} from './pipeline/segmenter.js';
export {
  COMPACT_TASK_PROMPTS,
  fillTaskPrompt,
  PAPER_TASK_PROMPTS,
  type TaskPrompts,
} from './pipeline/task-prompts.js';
export {
  type AnswerOptions,
  PIPELINE_CONFIG_FILE,
  type PipelineConfig,
  type PipelineEvent,
  PreparedQuestionVideo,
  QUESTION_TASKS,
  type QuestionTask,
  type VideoLoomAnswer,
  VideoLoomPipeline,
} from './pipeline/videoloom-pipeline.js';
export { causalLmLoss, IGNORE_INDEX, labelsFromLossMask } from './training/loss.js';
export { type WarmupCosineSchedule, warmupCosineLearningRate } from './training/schedule.js';
export {
  Trainer,
  type TrainerOptions,
  type TrainingExample,
  type TrainStepResult,
} from './training/trainer.js';
export {
  canonicalTensorName,
  initializeFromCheckpoint,
  type LoadedModel,
  type LoadModelOptions,
  type LoadProgressEvent,
  loadModel,
  type SaveModelOptions,
  saveModel,
  VOCABULARY_SUBSET_TENSOR,
  type WeightInitialization,
} from './weights/checkpoint-io.js';
export { type ParameterGroup, type ParameterSpec, ParameterStore } from './weights/parameter-store.js';
export { SafetensorsCheckpoint } from './weights/safetensors-checkpoint.js';
