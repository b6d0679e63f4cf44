import { ProtobufWriter } from './protobuf-writer.js';

/**
 * Copied from @videoloom/backend (src/onnx), whose builder is only exported from its vitest-bound
 * `./testing` entry: graph builders here must also run in plain Node (fixture generator, bench).
 * Move back once backend exports the builder from a vitest-free entry.
 *
 * Builds small ONNX models in memory, so tests make their own graphs (with visible source) instead of
 * shipping opaque binaries. Field numbers follow onnx/onnx.proto (IR version 8, default opset 17).
 */

/** ONNX TensorProto.DataType codes for the dtypes we build with. */
export const ONNX_DATA_TYPE = Object.freeze({
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
});
export type OnnxDataTypeName = keyof typeof ONNX_DATA_TYPE;

/** A graph input or output: name, dtype and dims (a string dim is symbolic, e.g. 'batch'). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: OnnxDataTypeName;
  readonly dims: readonly (number | string)[];
}

/** A constant tensor stored in the model. */
export interface OnnxInitializer {
  readonly name: string;
  readonly dtype: 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array | Int32Array | Uint8Array | readonly number[];
}

/** Attribute values: numbers are INT when integral unless wrapped with `{ float: x }`. */
export type OnnxAttributeValue =
  | number
  | { readonly float: number }
  | string
  | readonly number[]
  | { readonly floats: readonly number[] }
  | { readonly tensor: OnnxInitializer };

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttributeValue>>;
}

export interface OnnxGraphSpec {
  readonly name?: string;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers?: readonly OnnxInitializer[];
  /** @defaultValue 17 */
  readonly opset?: number;
  /** Key/value pairs stored as model metadata_props. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Serialises a graph spec to ONNX protobuf bytes that `InferenceSession.create` accepts. */
export function buildOnnxModel(spec: OnnxGraphSpec): Uint8Array {
  const w = new ProtobufWriter();
  w.int(1, 8); // ir_version
  w.string(2, 'videoloom-onnx-builder');
  w.message(7, (g) => writeGraph(g, spec));
  w.message(8, (o) => o.string(1, '').int(2, spec.opset ?? 17));
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    w.message(14, (m) => m.string(1, key).string(2, value));
  }
  return w.finish();
}

function writeGraph(g: ProtobufWriter, spec: OnnxGraphSpec): void {
  spec.nodes.forEach((node, index) => {
    g.message(1, (n) => {
      for (const input of node.inputs) n.string(1, input);
      for (const output of node.outputs) n.string(2, output);
      n.string(3, node.name ?? `${node.opType}_${index}`);
      n.string(4, node.opType);
      for (const [name, value] of Object.entries(node.attributes ?? {}))
        n.message(5, (a) => writeAttribute(a, name, value));
      if (node.domain) n.string(7, node.domain);
    });
  });
  g.string(2, spec.name ?? 'graph');
  for (const init of spec.initializers ?? []) g.message(5, (t) => writeTensor(t, init));
  for (const input of spec.inputs) g.message(11, (v) => writeValueInfo(v, input));
  for (const output of spec.outputs) g.message(12, (v) => writeValueInfo(v, output));
}

function writeValueInfo(v: ProtobufWriter, info: OnnxValueInfo): void {
  v.string(1, info.name);
  v.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ONNX_DATA_TYPE[info.dtype]);
      tensor.message(2, (shape) => {
        for (const dim of info.dims) {
          shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
        }
      });
    }),
  );
}

function writeTensor(t: ProtobufWriter, init: OnnxInitializer): void {
  for (const dim of init.dims) t.int(1, dim);
  t.int(2, ONNX_DATA_TYPE[init.dtype]);
  t.string(8, init.name);
  t.bytes(9, rawBytes(init));
}

function rawBytes(init: OnnxInitializer): Uint8Array {
  const count = init.dims.reduce((a, b) => a * b, 1);
  if (init.data.length !== count) {
    throw new RangeError(
      `Initializer "${init.name}" has ${init.data.length} values but dims [${init.dims}] need ${count}.`,
    );
  }
  let typed: ArrayBufferView;
  if (ArrayBuffer.isView(init.data)) typed = init.data;
  else if (init.dtype === 'float32') typed = Float32Array.from(init.data);
  else if (init.dtype === 'int64') typed = BigInt64Array.from(init.data, (x) => BigInt(x));
  else if (init.dtype === 'int32') typed = Int32Array.from(init.data);
  else typed = Uint8Array.from(init.data);
  // Little-endian on every platform Node runs on, which is what raw_data requires.
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function writeAttribute(a: ProtobufWriter, name: string, value: OnnxAttributeValue): void {
  a.string(1, name);
  if (typeof value === 'number') {
    a.int(3, value).int(20, 2);
  } else if (typeof value === 'string') {
    a.string(4, value).int(20, 3);
  } else if (isNumberList(value)) {
    for (const v of value) a.int(8, v);
    a.int(20, 7);
  } else if ('float' in value) {
    a.float(2, value.float).int(20, 1);
  } else if ('floats' in value) {
    for (const v of value.floats) a.float(7, v);
    a.int(20, 6);
  } else {
    a.message(5, (t) => writeTensor(t, value.tensor));
    a.int(20, 4);
  }
}

function isNumberList(value: OnnxAttributeValue): value is readonly number[] {
  return Array.isArray(value);
}
