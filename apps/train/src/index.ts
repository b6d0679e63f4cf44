// Public API of @videoloom/train (the CLI lives in src/bin/videoloom-data.ts).

export { fieldReader, ModelConfigError, readModelConfig } from './data-cli/model-config-error.js';
export {
  cropBox,
  cropRgb,
  DESCRIBER_LABELS_FORMAT,
  type DescriberHead,
  type DescriberLabels,
  describerContract,
  describerLabelsPath,
  fillTemplate,
  headWords,
  OnnxCharacterDescriber,
  type OnnxDescriberOptions,
  parseDescriberLabels,
} from './data-cli/onnx-describer.js';
export {
  OnnxPersonDetector,
  type OnnxPersonDetectorOptions,
  PERSON_DETECTOR_CONTRACT,
} from './data-cli/onnx-person-detector.js';
export {
  letterboxPixels,
  type OnnxTextDetectorOptions,
  OnnxTextQueryDetector,
  parseTextDetectorConfig,
  TEXT_DETECTOR_CONFIG_FORMAT,
  type TextDetectorConfig,
  textDetectorConfigPath,
  textDetectorContract,
} from './data-cli/onnx-text-detector.js';
export { DATA_CLI_USAGE, runDataCli } from './data-cli/run-data-cli.js';
export { loadSam2Tracker, type Sam2Tracker, sam2Segmenter } from './data-cli/sam2-tracker.js';
export { FrameEventHead, type JointLossWeights, jointLoss, type MaskLossModel } from './joint/joint-loss.js';
export { JointTrainer, type StepRecord } from './joint/joint-trainer.js';
export { type PreparedVideo, prepareVideoCached, readSynthSplit } from './joint/synth-videos.js';
export {
  type JointRunOptions,
  type JointRunSummary,
  type MaskModelIo,
  runJointTraining,
} from './joint/train-run.js';
export {
  type JointTrainingConfig,
  resolveTrainingConfig,
  TRAINING_PRESETS,
} from './joint/training-config.js';
