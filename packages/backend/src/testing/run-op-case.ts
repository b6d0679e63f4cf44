import { buildOnnxModel } from '../onnx/onnx-builder.js';
import { OP_NAMES } from '../op-names.js';
import { runOp } from '../ops/register-all.js';
import { loadOrt } from '../ort/ort.js';
import { tf } from '../tfjs/tf.js';
import type { OpCase } from './op-case.js';

/** The result of one op case on one backend. */
export interface OpCaseOutcome {
  readonly dims: number[];
  readonly data: Float32Array;
}

type TfjsOp = (inputs: tf.Tensor[], attributes: NonNullable<OpCase['attributes']>) => tf.Tensor;

/** How each ONNX op of the conformance cases is expressed in tfjs (ONNX semantics are the reference). */
const TFJS_OPS: Readonly<Record<string, TfjsOp>> = {
  MatMul: ([a, b]) => tf.matMul(a!, b!),
  Add: ([a, b]) => tf.add(a!, b!),
  Mul: ([a, b]) => tf.mul(a!, b!),
  Relu: ([x]) => tf.relu(x!),
  Sigmoid: ([x]) => tf.sigmoid(x!),
  Erf: ([x]) => tf.erf(x!),
  Softmax: ([x], attrs) => tf.softmax(x!, Number(attrs.axis ?? -1)),
  Transpose: ([x], attrs) => tf.transpose(x!, attrs.perm as number[] | undefined),
  AveragePool: ([x], attrs) => {
    const [kh, kw] = attrs.kernel_shape as number[];
    const nhwc = tf.transpose(x!, [0, 2, 3, 1]) as tf.Tensor4D;
    return tf.transpose(
      tf.avgPool(
        nhwc,
        [kh!, kw!],
        (attrs.strides as number[] | undefined as [number, number]) ?? [kh!, kw!],
        'valid',
      ),
      [0, 3, 1, 2],
    );
  },
  [OP_NAMES.avgPoolTokens]: ([x], attrs) => runOp(OP_NAMES.avgPoolTokens, x as tf.Tensor4D, Number(attrs.k)),
  [OP_NAMES.maskResizeThreshold]: ([x], attrs) =>
    runOp<[tf.Tensor3D, number, number], tf.Tensor3D>(
      OP_NAMES.maskResizeThreshold,
      x as tf.Tensor3D,
      Number(attrs.height),
      Number(attrs.width),
    ).cast('float32'),
};

/** True when the case's op can run on the given runtime (VideoLoom ops have no ONNX form). */
export function opCaseRunsOn(runtime: 'tfjs' | 'ort', opCase: OpCase): boolean {
  const custom = (Object.values(OP_NAMES) as string[]).includes(opCase.op);
  return runtime === 'tfjs' ? opCase.op in TFJS_OPS : !custom;
}

/** Runs a case on the active tfjs backend. */
export function runOpCaseTfjs(opCase: OpCase): OpCaseOutcome {
  const impl = TFJS_OPS[opCase.op];
  if (!impl) throw new Error(`No tfjs mapping for op case op "${opCase.op}"`);
  return tf.tidy(() => {
    const inputs = opCase.inputs.map((t) => tf.tensor(Float32Array.from(t.data), [...t.dims], 'float32'));
    const out = impl(inputs, opCase.attributes ?? {});
    return { dims: [...out.shape], data: Float32Array.from(out.dataSync()) };
  });
}

/** Runs a case as a one-node ONNX graph on an ORT execution provider. */
export async function runOpCaseOrt(opCase: OpCase, executionProvider: string): Promise<OpCaseOutcome> {
  const ort = await loadOrt();
  const inputNames = opCase.inputs.map((_, i) => `in${i}`);
  const model = buildOnnxModel({
    inputs: opCase.inputs.map((t, i) => ({ name: inputNames[i]!, dtype: 'float32', dims: t.dims })),
    outputs: [{ name: 'out', dtype: 'float32', dims: opCase.expected.dims }],
    nodes: [{ opType: opCase.op, inputs: inputNames, outputs: ['out'], attributes: opCase.attributes ?? {} }],
  });
  const session = await ort.InferenceSession.create(model, { executionProviders: [executionProvider] });
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  opCase.inputs.forEach((t, i) => {
    feeds[inputNames[i]!] = new ort.Tensor('float32', Float32Array.from(t.data), [...t.dims]);
  });
  const out = (await session.run(feeds)).out!;
  await session.release();
  return { dims: [...out.dims], data: Float32Array.from(out.data as Float32Array) };
}

/** Max abs difference, or Infinity when shapes differ. */
export function maxAbsError(outcome: OpCaseOutcome, expected: OpCase['expected']): number {
  if (outcome.dims.join(',') !== expected.dims.join(',') || outcome.data.length !== expected.data.length) {
    return Number.POSITIVE_INFINITY;
  }
  let max = 0;
  for (let i = 0; i < outcome.data.length; i++)
    max = Math.max(max, Math.abs(outcome.data[i]! - expected.data[i]!));
  return max;
}
