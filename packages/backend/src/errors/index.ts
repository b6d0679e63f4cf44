export { BackendUnavailableError } from './backend-unavailable-error.js';
export { ModelContractError } from './model-contract-error.js';
export { OpNotImplementedError } from './op-not-implemented-error.js';
export { SafetensorsFormatError } from './safetensors-format-error.js';
export { type InputMismatch, SessionInputError } from './session-input-error.js';
export { TensorInteropError } from './tensor-interop-error.js';
export { UnsupportedDeviceError } from './unsupported-device-error.js';
export { BackendError, isVideoLoomError, VIDEOLOOM_ERROR_MARKER } from './videoloom-error.js';
