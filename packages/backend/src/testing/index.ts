// Helpers for other packages' tests (needs vitest): the conformance suite and op cases as data.
// The ONNX model builder is part of the main entry.
export { type BackendUnderTest, describeEachBackend } from './describe-each-backend.js';
export type { OpCase, OpCaseFile, OpCaseTensor } from './op-case.js';
export { maxAbsError, type OpCaseOutcome, opCaseRunsOn, runOpCaseOrt, runOpCaseTfjs } from './run-op-case.js';
