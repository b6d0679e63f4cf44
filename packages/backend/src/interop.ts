import { Tensor as OrtTensor } from 'onnxruntime-common';
import { TensorInteropError } from './errors/tensor-interop-error.js';
import { float16ToFloat32 } from './half-float.js';
import { trackOrtTensor } from './memory.js';
import { tf } from './tfjs/tf.js';

export { OrtTensor };

/** Dtypes a plain host tensor may have. */
export type HostDType = 'float32' | 'int32' | 'int64' | 'uint8' | 'bool' | 'float16';

/** A tensor as plain data on the host: what packages that must not import a runtime pass around. */
export interface HostTensor {
  readonly dtype: HostDType;
  readonly dims: readonly number[];
  readonly data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;
}

function checkSize(name: string, dims: readonly number[], length: number): void {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== length)
    throw new TensorInteropError(name, `${size} values for dims [${dims.join(', ')}]`, `${length} values`);
}

/** tfjs tensor -> ORT tensor. float32, int32 and bool keep their dtype; the data is copied once. */
export function tfjsToOrt(tensor: tf.Tensor, name = 'tensor'): OrtTensor {
  const dims = tensor.shape;
  let out: OrtTensor;
  switch (tensor.dtype) {
    case 'float32':
      out = new OrtTensor('float32', tensor.dataSync() as Float32Array, dims);
      break;
    case 'int32':
      out = new OrtTensor('int32', tensor.dataSync() as Int32Array, dims);
      break;
    case 'bool':
      out = new OrtTensor('bool', Uint8Array.from(tensor.dataSync() as Uint8Array), dims);
      break;
    default:
      throw new TensorInteropError(name, 'dtype float32, int32 or bool', `tfjs dtype ${tensor.dtype}`);
  }
  return trackOrtTensor(out);
}

/**
 * ORT tensor -> tfjs tensor. tfjs has no int64, uint8 or float16: int64 becomes int32 (values outside
 * int32 are an error, never wrapped), uint8 becomes int32, float16 becomes float32.
 */
export function ortToTfjs(tensor: OrtTensor, name = 'tensor'): tf.Tensor {
  const dims = [...tensor.dims];
  switch (tensor.type) {
    case 'float32':
      return tf.tensor(tensor.data as Float32Array, dims, 'float32');
    case 'int32':
      return tf.tensor(tensor.data as Int32Array, dims, 'int32');
    case 'bool':
      return tf.tensor(tensor.data as Uint8Array, dims, 'bool');
    case 'uint8':
      return tf.tensor(Int32Array.from(tensor.data as Uint8Array), dims, 'int32');
    case 'int64': {
      const data = tensor.data as BigInt64Array;
      const out = new Int32Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (v > 2147483647n || v < -2147483648n) {
          throw new TensorInteropError(
            name,
            'int64 values within int32 range (tfjs has no int64)',
            `${v} at flat index ${i}`,
          );
        }
        out[i] = Number(v);
      }
      return tf.tensor(out, dims, 'int32');
    }
    case 'float16':
      return tf.tensor(float16ToFloat32(tensor.data as Uint16Array), dims, 'float32');
    default:
      throw new TensorInteropError(
        name,
        'dtype float32, float16, int32, int64, uint8 or bool',
        `ORT dtype ${tensor.type}`,
      );
  }
}

/** Host tensor -> ORT tensor (no copy), counted by the memory ledger until disposed. */
export function hostToOrt(tensor: HostTensor, name = 'tensor'): OrtTensor {
  return trackOrtTensor(wrapHostUntracked(tensor, name));
}

/** Host tensor -> ORT tensor (no copy) for a feed that lives only for one run, so the ledger never holds it. */
export function wrapHostUntracked(tensor: HostTensor, name = 'tensor'): OrtTensor {
  checkSize(name, tensor.dims, tensor.data.length);
  return new OrtTensor(tensor.dtype, tensor.data as never, [...tensor.dims]);
}

/** ORT tensor -> host tensor (no copy). */
export function ortToHost(tensor: OrtTensor, name = 'tensor'): HostTensor {
  const dtype = tensor.type as HostDType;
  if (!['float32', 'int32', 'int64', 'uint8', 'bool', 'float16'].includes(dtype)) {
    throw new TensorInteropError(name, 'a numeric dtype', `ORT dtype ${tensor.type}`);
  }
  return { dtype, dims: [...tensor.dims], data: tensor.data as HostTensor['data'] };
}

/** Host tensor -> tfjs tensor, through the same dtype rules as `ortToTfjs`. */
export function hostToTfjs(tensor: HostTensor, name = 'tensor'): tf.Tensor {
  checkSize(name, tensor.dims, tensor.data.length);
  return ortToTfjs(new OrtTensor(tensor.dtype, tensor.data as never, [...tensor.dims]), name);
}
