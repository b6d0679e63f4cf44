// Public API of @videoloom/sam2-bridge: SAM2 as four ONNX stages plus a TypeScript memory bank.
export {
  type FrameMasks,
  type KeyframePrompt,
  type MemoryUse,
  type ObjectResult,
  type PreprocessedFrame,
  Sam2Bridge,
  type Sam2FrameInput,
  type Sam2ProgressEvent,
  type SegKeyframePrompt,
  type SpatialKeyframePrompt,
  type TrackRequest,
} from './bridge/sam2-bridge.js';
export {
  DECODER_PREFIX,
  denseImagePositionalEncoding,
  MASK_DECODER_CONFIG_KEY,
  type MaskDecoderConfig,
  type MaskDecoderWeights,
  maskDecoderWeightSet,
  maskDecoderWeightShapes,
  maskDecoderWeightsFrom,
  NUM_MASK_TOKENS,
  randomMaskDecoderWeights,
  SAM2_MASK_DECODER_CONFIG,
  TINY_MASK_DECODER_CONFIG,
} from './decoder/mask-decoder-weights.js';
export {
  type MaskLossOptions,
  type MaskLossTerms,
  maskLossTerms,
  TfjsMaskDecoder,
  type TfjsMaskDecoderInput,
  type TfjsMaskDecoderOutput,
  type TfjsMaskDecoderTokensInput,
} from './decoder/tfjs-mask-decoder.js';
export {
  isVideoLoomError,
  MemoryBankError,
  Sam2Error,
  Sam2InputError,
  Sam2ManifestError,
  Sam2StageContractError,
  Sam2WeightsError,
  VIDEOLOOM_ERROR_MARKER,
} from './errors/index.js';
export {
  type BinaryMask,
  bestMultimaskIndex,
  fillHoles,
  NO_OBJECT_SCORE,
  resizeLogitsBilinear,
  roundToBfloat16InPlace,
  thresholdLogits,
} from './image/postprocess.js';
export {
  preprocessFrame,
  type RgbFrame,
  resizeRgbBicubic,
  SAM2_PIXEL_MEAN,
  SAM2_PIXEL_STD,
} from './image/preprocess.js';
export {
  MemoryBank,
  type MemoryBankOptions,
  type MemorySelection,
  type PointerPick,
  planSchedule,
  type SpatialMemoryPick,
  type TrackDirection,
  type TrackSchedule,
  type UpcomingPass,
} from './memory/memory-bank.js';
export { buildMaskDecoderGraph } from './onnx/mask-decoder-graph.js';
export { buildTinyPatchEncoderGraph } from './onnx/tiny-patch-encoder-graph.js';
export {
  BINARIZE_GAIN,
  promptedMaskChoice,
  SAM2_DYNAMIC_MULTIMASK,
  stabilityScore,
} from './prompt/mask-choice.js';
export {
  checkPromptEncoderMatchesDecoder,
  type PointLabel,
  PROMPT_ENCODER_WEIGHTS_FILE,
  type PromptBox,
  type PromptEncoderWeights,
  type PromptPoint,
  promptEncoderWeightSet,
  promptEncoderWeightShapes,
  promptEncoderWeightsFrom,
  randomPromptEncoderWeights,
  Sam2PromptEncoder,
  type SpatialPrompt,
  toModelPoints,
} from './prompt/prompt-encoder.js';
export {
  SAM2_DIMS,
  SAM2_STAGES,
  type Sam2Dims,
  type Sam2DimsProblem,
  type Sam2StageName,
  sam2DimsForImageSize,
  sam2DimsProblems,
  sam2StageContracts,
} from './stages/contract.js';
export {
  createManifest,
  parseManifest,
  readManifest,
  SAM2_MANIFEST_FILE,
  SAM2_MANIFEST_FORMAT,
  SAM2_MEMORY_CONFIG,
  SAM2_PRESETS,
  type Sam2Behaviour,
  type Sam2Manifest,
  type Sam2MemoryConfig,
  type Sam2PresetName,
  writeManifest,
} from './stages/manifest.js';
export { type Sam2LoadOptions, Sam2Stages, type StageTiming } from './stages/stages.js';
export { TfjsTinyStages, type TinyImageFeatures, type TinyStagesWeights } from './tiny/tfjs-tiny-stages.js';
export {
  randomTinyStageWeights,
  TINY_ATTENTION_DIM,
  TINY_MEMORY_POOL,
  type TinyStageName,
  type TinyStageWeights,
  tinyStageWeightShapes,
} from './tiny/tiny-stage-weights.js';
export { readTinySam2Checkpoint, writeTinySam2Checkpoint } from './tiny-sam2/checkpoint.js';
export {
  TfjsTinySam2,
  TINY_SAM2_WEIGHTS_FILE,
  type TinySam2CreateOptions,
  type TinySam2Input,
  type TinySam2LossOptions,
  type TinySam2LossTerms,
  type TinySam2Output,
} from './tiny-sam2/tfjs-tiny-sam2.js';
export {
  randomTinyImageEncoderWeights,
  TINY_IMAGE_ENCODER_PREFIX,
  TINY_SAM2_CONFIGS,
  type TinyPatchEncoderConfig,
  type TinySam2Config,
  type TinySam2ConfigName,
  tinyImageEncoderWeightShapes,
  tinySam2ConfigProblems,
} from './tiny-sam2/tiny-sam2-config.js';
export {
  buildTinySam2Graphs,
  randomTinySam2Weights,
  TINY_SAM2_CONFIG_KEY,
  type TinySam2Weights,
  tinySam2WeightSet,
  tinySam2WeightsFrom,
} from './tiny-sam2/tiny-sam2-weights.js';
export {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  type WeightSet,
  type WeightTensor,
  writeSafetensors,
} from './weights/safetensors.js';
