// Helpers for other packages' tests: the conformance suite, op cases as data, and a small ONNX builder.

export {
  buildOnnxModel,
  ONNX_DATA_TYPE,
  type OnnxAttributeValue,
  type OnnxDataTypeName,
  type OnnxGraphSpec,
  type OnnxInitializer,
  type OnnxNode,
  type OnnxValueInfo,
} from '../onnx/onnx-builder.js';
export { type BackendUnderTest, describeEachBackend } from './describe-each-backend.js';
export type { OpCase, OpCaseFile, OpCaseTensor } from './op-case.js';
export { maxAbsError, type OpCaseOutcome, opCaseRunsOn, runOpCaseOrt, runOpCaseTfjs } from './run-op-case.js';
