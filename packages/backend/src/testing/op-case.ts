/**
 * An op test as data (one JSON file per op under test/ops/): ONNX op name, attributes, inputs and the
 * expected output. The same case runs on every tfjs backend and every ORT execution provider.
 */
export interface OpCaseTensor {
  readonly dims: readonly number[];
  readonly data: readonly number[];
}

export interface OpCase {
  readonly name: string;
  /** An ONNX op type (MatMul, Add, Softmax, ...) or a VideoLoom op from OP_NAMES (tfjs only). */
  readonly op: string;
  readonly attributes?: Readonly<Record<string, number | readonly number[]>>;
  readonly inputs: readonly OpCaseTensor[];
  readonly expected: OpCaseTensor;
  /** Max abs error. @defaultValue 1e-5 */
  readonly tolerance?: number;
}

export interface OpCaseFile {
  readonly description?: string;
  readonly cases: readonly OpCase[];
}
