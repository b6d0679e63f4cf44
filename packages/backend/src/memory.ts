import type { Tensor as OrtTensor } from 'onnxruntime-common';
import { tf } from './tfjs/tf.js';

/** Live tensors and bytes, per runtime. ORT counts only tensors created or returned through this package. */
export interface MemorySnapshot {
  readonly tfjs: { readonly tensors: number; readonly bytes: number };
  readonly ort: { readonly tensors: number; readonly bytes: number };
}

const liveOrt = new Set<OrtTensor>();

/** Counts an ORT tensor as live until `releaseOrtTensor` (or its own `dispose`) is called. */
export function trackOrtTensor<T extends OrtTensor>(tensor: T): T {
  liveOrt.add(tensor);
  const dispose = tensor.dispose.bind(tensor);
  // Wrapping dispose keeps the ledger right whichever way callers free the tensor.
  (tensor as { dispose: () => void }).dispose = () => {
    liveOrt.delete(tensor);
    dispose();
  };
  return tensor;
}

/** Frees an ORT tensor and removes it from the ledger. */
export function releaseOrtTensor(tensor: OrtTensor): void {
  tensor.dispose();
  liveOrt.delete(tensor);
}

export function memorySnapshot(): MemorySnapshot {
  let ortBytes = 0;
  for (const t of liveOrt) ortBytes += (t.data as ArrayBufferView | undefined)?.byteLength ?? 0;
  const m = tf.memory();
  return {
    tfjs: { tensors: m.numTensors, bytes: m.numBytes },
    ort: { tensors: liveOrt.size, bytes: ortBytes },
  };
}

/** What `fn` left allocated: positive numbers are leaks. */
export interface LeakReport {
  readonly tfjsTensors: number;
  readonly tfjsBytes: number;
  readonly ortTensors: number;
  readonly ortBytes: number;
}

/** Runs `fn` and reports the tensors it created and did not free. */
export async function measureLeaks(fn: () => unknown): Promise<LeakReport> {
  const before = memorySnapshot();
  await fn();
  const after = memorySnapshot();
  return {
    tfjsTensors: after.tfjs.tensors - before.tfjs.tensors,
    tfjsBytes: after.tfjs.bytes - before.tfjs.bytes,
    ortTensors: after.ort.tensors - before.ort.tensors,
    ortBytes: after.ort.bytes - before.ort.bytes,
  };
}
