// Public API of @videoloom/train (the CLI lives in src/bin/videoloom-data.ts).

export {
  OnnxPersonDetector,
  type OnnxPersonDetectorOptions,
  PERSON_DETECTOR_CONTRACT,
} from './data-cli/onnx-person-detector.js';
export { DATA_CLI_USAGE, runDataCli } from './data-cli/run-data-cli.js';
export { FrameEventHead, jointLoss, type JointLossWeights, type MaskLossModel } from './joint/joint-loss.js';
export { JointTrainer, type StepRecord } from './joint/joint-trainer.js';
export { type JointRunOptions, type JointRunSummary, type MaskModelIo, runJointTraining } from './joint/train-run.js';
export { type PreparedVideo, prepareVideoCached, readSynthSplit } from './joint/synth-videos.js';
export { resolveTrainingConfig, TRAINING_PRESETS, type JointTrainingConfig } from './joint/training-config.js';
