import type { OrtExecutionProviderName, TfjsBackendName } from './backend.js';
import { buildOnnxModel } from './onnx/onnx-builder.js';
import { loadOrt } from './ort/ort.js';
import { TFJS_CORE_BACKEND } from './tfjs/candidates.js';
import { tf } from './tfjs/tf.js';

/** A matmul throughput measurement. */
export interface MatmulThroughput {
  readonly runtime: 'tfjs' | 'ort';
  readonly name: string;
  readonly size: number;
  readonly repeats: number;
  readonly seconds: number;
  readonly gflops: number;
}

function deterministicMatrix(n: number, seed: number): Float32Array {
  const out = new Float32Array(n * n);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** Times `size`x`size` fp32 matmuls on a tfjs backend (which must have probed available). One warm-up run. */
export async function measureTfjsMatmul(
  name: TfjsBackendName,
  size = 1024,
  minSeconds = 0.5,
): Promise<MatmulThroughput> {
  await tf.setBackend(TFJS_CORE_BACKEND[name]);
  await tf.ready();
  const a = tf.tensor2d(deterministicMatrix(size, 1), [size, size]);
  const b = tf.tensor2d(deterministicMatrix(size, 2), [size, size]);
  const once = () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  once();
  let repeats = 0;
  const start = performance.now();
  while (repeats < 1 || (performance.now() - start) / 1000 < minSeconds) {
    once();
    repeats++;
  }
  const seconds = (performance.now() - start) / 1000;
  a.dispose();
  b.dispose();
  return { runtime: 'tfjs', name, size, repeats, seconds, gflops: (2 * size ** 3 * repeats) / seconds / 1e9 };
}

/** Times `size`x`size` fp32 matmuls in an ONNX Runtime session on one execution provider. */
export async function measureOrtMatmul(
  name: OrtExecutionProviderName,
  size = 1024,
  minSeconds = 0.5,
): Promise<MatmulThroughput> {
  const ort = await loadOrt();
  const model = buildOnnxModel({
    inputs: [
      { name: 'a', dtype: 'float32', dims: [size, size] },
      { name: 'b', dtype: 'float32', dims: [size, size] },
    ],
    outputs: [{ name: 'c', dtype: 'float32', dims: [size, size] }],
    nodes: [{ opType: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
  });
  const session = await ort.InferenceSession.create(model, { executionProviders: [name] });
  const feeds = {
    a: new ort.Tensor('float32', deterministicMatrix(size, 1), [size, size]),
    b: new ort.Tensor('float32', deterministicMatrix(size, 2), [size, size]),
  };
  await session.run(feeds);
  let repeats = 0;
  const start = performance.now();
  while (repeats < 1 || (performance.now() - start) / 1000 < minSeconds) {
    await session.run(feeds);
    repeats++;
  }
  const seconds = (performance.now() - start) / 1000;
  await session.release();
  return { runtime: 'ort', name, size, repeats, seconds, gflops: (2 * size ** 3 * repeats) / seconds / 1e9 };
}
