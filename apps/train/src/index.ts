// Public API of @videoloom/train (the CLI lives in src/bin/videoloom-data.ts).

export {
  OnnxPersonDetector,
  type OnnxPersonDetectorOptions,
  PERSON_DETECTOR_CONTRACT,
} from './data-cli/onnx-person-detector.js';
export { DATA_CLI_USAGE, runDataCli } from './data-cli/run-data-cli.js';
