import type { OnnxAttributeValue, OnnxInitializer, OnnxNode } from './onnx-builder.js';

/**
 * A thin layer over `buildOnnxModel`'s node list: each method appends one node and returns the name
 * of its output, so stage graphs read like the forward pass they implement.
 */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private counter = 0;

  private fresh(hint: string): string {
    this.counter += 1;
    return `${hint}_${this.counter}`;
  }

  op(
    opType: string,
    inputs: string[],
    attributes?: Record<string, OnnxAttributeValue>,
    output?: string,
  ): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push({ opType, inputs, outputs: [out], ...(attributes ? { attributes } : {}) });
    return out;
  }

  /** Node with several outputs. */
  opN(
    opType: string,
    inputs: string[],
    count: number,
    attributes?: Record<string, OnnxAttributeValue>,
  ): string[] {
    const outs = Array.from({ length: count }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ opType, inputs, outputs: outs, ...(attributes ? { attributes } : {}) });
    return outs;
  }

  f32(name: string, dims: readonly number[], data: Float32Array | readonly number[]): string {
    this.initializers.push({
      name,
      dtype: 'float32',
      dims,
      data: data instanceof Float32Array ? data : Float32Array.from(data),
    });
    return name;
  }

  i64(values: readonly number[], hint = 'shape'): string {
    const name = this.fresh(hint);
    this.initializers.push({
      name,
      dtype: 'int64',
      dims: [values.length],
      data: BigInt64Array.from(values, (v) => BigInt(v)),
    });
    return name;
  }

  scalar(value: number, hint = 'const'): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dtype: 'float32', dims: [], data: Float32Array.of(value) });
    return name;
  }

  add(a: string, b: string, output?: string): string {
    return this.op('Add', [a, b], undefined, output);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string, output?: string): string {
    return this.op('Mul', [a, b], undefined, output);
  }
  matmul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }
  reshape(x: string, shape: readonly number[], output?: string): string {
    return this.op('Reshape', [x, this.i64(shape)], undefined, output);
  }
  transpose(x: string, perm: readonly number[], output?: string): string {
    return this.op('Transpose', [x], { perm }, output);
  }
  relu(x: string): string {
    return this.op('Relu', [x]);
  }
  sigmoid(x: string, output?: string): string {
    return this.op('Sigmoid', [x], undefined, output);
  }
  concat(xs: string[], axis: number, output?: string): string {
    return this.op('Concat', xs, { axis }, output);
  }

  /** Exact GELU (opset 17 has no Gelu op): 0.5·x·(1 + erf(x/√2)). */
  gelu(x: string, output?: string): string {
    const e = this.op('Erf', [this.mul(x, this.scalar(Math.SQRT1_2))]);
    return this.mul(this.mul(x, this.add(e, this.scalar(1))), this.scalar(0.5), output);
  }

  /** PyTorch Linear on the last axis; `weight` is [out, in] and is stored transposed for MatMul. */
  linear(
    x: string,
    name: string,
    weight: { dims: readonly number[]; data: Float32Array },
    bias: Float32Array,
  ): string {
    const [outDim, inDim] = weight.dims as [number, number];
    const wt = new Float32Array(inDim * outDim);
    for (let o = 0; o < outDim; o++)
      for (let i = 0; i < inDim; i++) wt[i * outDim + o] = weight.data[o * inDim + i] as number;
    const w = this.f32(`${name}.weight_t`, [inDim, outDim], wt);
    const b = this.f32(`${name}.bias`, [outDim], bias);
    return this.add(this.matmul(x, w), b);
  }

  /** LayerNorm over the last axis. */
  layerNorm(x: string, name: string, weight: Float32Array, bias: Float32Array, epsilon: number): string {
    const w = this.f32(`${name}.weight`, [weight.length], weight);
    const b = this.f32(`${name}.bias`, [bias.length], bias);
    return this.op('LayerNormalization', [x, w, b], { axis: -1, epsilon: { float: epsilon } });
  }
}
