// Public API of @videoloom/backend.
export type {
  BackendAttempt,
  BackendCandidate,
  BackendSelection,
  OrtExecutionProviderName,
  ProbeResult,
  Runtime,
  TfjsBackendName,
} from './backend.js';
export { type BackendDescription, type BackendReport, describeBackends } from './describe.js';
export {
  candidatesFor,
  DEVICE_ENV,
  DEVICE_NAMES,
  DEVICE_TABLE,
  type DeviceCandidates,
  type DeviceName,
  ORT_EXECUTION_PROVIDER_NAMES,
  parseDeviceName,
  type ResolvedDeviceRequest,
  TFJS_BACKEND_NAMES,
} from './device.js';
export {
  BackendError,
  BackendUnavailableError,
  type InputMismatch,
  isVideoLoomError,
  ModelContractError,
  OpNotImplementedError,
  SafetensorsFormatError,
  SessionInputError,
  TensorInteropError,
  UnsupportedDeviceError,
  VIDEOLOOM_ERROR_MARKER,
} from './errors/index.js';
export { type FlagName, getFlag, registerFlag, resetFlags, setFlag } from './flags.js';
export { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16 } from './half-float.js';
export {
  type HostDType,
  type HostTensor,
  hostToOrt,
  hostToTfjs,
  OrtTensor,
  ortToHost,
  ortToTfjs,
  tfjsToOrt,
  wrapHostUntracked,
} from './interop.js';
export {
  type LeakReport,
  type MemorySnapshot,
  measureLeaks,
  memorySnapshot,
  releaseOrtTensor,
  trackOrtTensor,
} from './memory.js';
export {
  buildOnnxModel,
  ONNX_DATA_TYPE,
  type OnnxAttributeValue,
  type OnnxDataTypeName,
  type OnnxGraphSpec,
  type OnnxInitializer,
  type OnnxNode,
  type OnnxValueInfo,
} from './onnx/onnx-builder.js';
export { OP_NAMES, type OpName } from './op-names.js';
export type { KernelConfig } from './ops/kernel-registry.js';
export { backendsImplementing, registerKernel, runOp } from './ops/register-all.js';
export { loadOrt, type Ort } from './ort/ort.js';
export {
  CheckedSession,
  type CheckedSessionOptions,
  type ModelContract,
  type TensorSpec,
} from './ort/session.js';
export { BackendRegistry } from './registry.js';
export {
  DTYPE_BYTES,
  decodeTensorBytes,
  encodeSafetensors,
  type HostTensorData,
  type InMemorySafetensors,
  parseSafetensors,
  parseSafetensorsHeader,
  readSafetensorsHeader,
  type SafetensorsDType,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type TensorToWrite,
  writeFileAtomic,
  writeSafetensors,
} from './safetensors/safetensors.js';
export {
  createDefaultRegistry,
  defaultRegistry,
  type SelectOptions,
  selectOrtExecutionProvider,
  selectTfjsBackend,
} from './select.js';
export { type Tf, tf } from './tfjs/tf.js';
export { type MatmulThroughput, measureOrtMatmul, measureTfjsMatmul } from './throughput.js';
