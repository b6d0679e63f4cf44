export { CheckpointMismatchError, type TensorMismatch } from './checkpoint-mismatch-error.js';
export { ModelConfigError } from './config-error.js';
export { LlmCoreError, VIDEOLOOM_ERROR_MARKER } from './llm-core-error.js';
export { TensorShapeError } from './tensor-shape-error.js';
export { VisualTokenCountError } from './visual-token-count-error.js';
