import { beforeAll, describe, expect, it } from 'vitest';
import { TensorInteropError } from './errors/tensor-interop-error.js';
import { float16ToFloat32 } from './half-float.js';
import { hostToTfjs, OrtTensor, ortToHost, ortToTfjs, tfjsToOrt } from './interop.js';
import { measureLeaks, memorySnapshot } from './memory.js';
import { selectTfjsBackend } from './select.js';
import { tf } from './tfjs/tf.js';

beforeAll(async () => {
  await selectTfjsBackend({ device: 'wasm', env: {} });
});

describe('tensor interop', () => {
  it('round-trips float32, int32 and bool with shape and dtype preserved', () => {
    const cases = [
      tf.tensor([1.5, -2, 3, 4, 5, 6], [1, 2, 3], 'float32'),
      tf.tensor([1, -2, 2147483647, 0], [4, 1], 'int32'),
      tf.tensor([1, 0, 1], [3], 'bool'),
    ];
    for (const t of cases) {
      const ort = tfjsToOrt(t);
      expect(ort.dims).toEqual(t.shape);
      expect(ort.type).toBe(t.dtype);
      const back = ortToTfjs(ort);
      expect(back.shape).toEqual(t.shape);
      expect(back.dtype).toBe(t.dtype);
      expect([...back.dataSync()]).toEqual([...t.dataSync()]);
      tf.dispose([t, back]);
      ort.dispose();
    }
  });

  it('narrows int64 to int32 and refuses values tfjs cannot hold', () => {
    const ok = ortToTfjs(new OrtTensor('int64', BigInt64Array.from([1n, -5n]), [2]));
    expect([...ok.dataSync()]).toEqual([1, -5]);
    ok.dispose();
    const big = new OrtTensor('int64', BigInt64Array.from([1n, 2n ** 40n]), [2]);
    expect(() => ortToTfjs(big, 'ids')).toThrowError(TensorInteropError);
    expect(() => ortToTfjs(big, 'ids')).toThrow(
      'Tensor ids: expected int64 values within int32 range (tfjs has no int64), received 1099511627776 at flat index 1.',
    );
  });

  it('decodes float16 exactly for representable values', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3555 ~ 0.333, 0x7c00 = inf, 0x0001 = smallest subnormal
    const out = float16ToFloat32(Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x7c00, 0x0001]));
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(-2);
    expect(out[2]).toBeCloseTo(0.333251953125, 12);
    expect(out[3]).toBe(Number.POSITIVE_INFINITY);
    expect(out[4]).toBe(2 ** -24);
  });

  it('rejects host data that does not fit its dims', () => {
    expect(() => hostToTfjs({ dtype: 'float32', dims: [2, 2], data: new Float32Array(3) }, 'pixels')).toThrow(
      'Tensor pixels: expected 4 values for dims [2, 2], received 3 values.',
    );
  });

  it('host view of an ORT tensor shares its data', () => {
    const data = Float32Array.from([1, 2]);
    const host = ortToHost(new OrtTensor('float32', data, [2]));
    expect(host.data).toBe(data);
  });
});

describe('memory accounting', () => {
  it('shows a leaked tfjs tensor and a clean tidy', async () => {
    let kept: tf.Tensor | undefined;
    const leak = await measureLeaks(() => {
      kept = tf.ones([10, 10]);
    });
    expect(leak.tfjsTensors).toBe(1);
    expect(leak.tfjsBytes).toBe(400);
    kept!.dispose();
    const clean = await measureLeaks(() => tf.tidy(() => tf.ones([10, 10]).add(1).sum().dataSync()));
    expect(clean.tfjsTensors).toBe(0);
  });

  it('counts ORT tensors made by interop until disposed', async () => {
    const before = memorySnapshot().ort.tensors;
    const t = tf.zeros([4]);
    const ort = tfjsToOrt(t);
    expect(memorySnapshot().ort).toEqual({ tensors: before + 1, bytes: expect.any(Number) });
    ort.dispose();
    t.dispose();
    expect(memorySnapshot().ort.tensors).toBe(before);
  });
});
