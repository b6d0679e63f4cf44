import { describe, expect, it } from 'vitest';
import { ModelContractError } from '../errors/model-contract-error.js';
import { SessionInputError } from '../errors/session-input-error.js';
import { OrtTensor } from '../interop.js';
import { buildOnnxModel } from '../onnx/onnx-builder.js';
import { CheckedSession } from './session.js';

// y = x @ W + b with W 3x2 and b stored as initializers; x is [batch, 3] with a symbolic batch dim.
const linearModel = buildOnnxModel({
  name: 'linear',
  inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 3] }],
  outputs: [{ name: 'y', dtype: 'float32', dims: ['batch', 2] }],
  initializers: [
    { name: 'W', dtype: 'float32', dims: [3, 2], data: [1, 0, 0, 1, 1, 1] },
    { name: 'b', dtype: 'float32', dims: [2], data: [0.5, -0.5] },
  ],
  nodes: [
    { opType: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
    { opType: 'Add', inputs: ['xw', 'b'], outputs: ['y'] },
  ],
});

describe('CheckedSession on ONNX Runtime CPU', () => {
  it('runs a model built by the ONNX builder and exposes its metadata', async () => {
    const session = await CheckedSession.create(linearModel, { device: 'cpu', label: 'linear.onnx' });
    expect(session.executionProvider).toBe('cpu');
    expect(session.inputs).toEqual([{ name: 'x', dtype: 'float32', dims: ['batch', 3] }]);
    const out = await session.run({
      x: { dtype: 'float32', dims: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    });
    expect([...(out.y!.data as Float32Array)]).toEqual([4.5, 4.5, 10.5, 10.5]);
    expect(out.y!.dims).toEqual([2, 2]);
    await session.release();
  });

  it('reports missing, unexpected, dtype and dim mismatches before running', async () => {
    const session = await CheckedSession.create(linearModel, { device: 'cpu', label: 'linear.onnx' });
    const error = await session
      .run({
        x: new OrtTensor('int32', Int32Array.from([1, 2, 3, 4]), [1, 4]),
        z: new OrtTensor('float32', [1], [1]),
      })
      .catch((e: unknown) => e);
    expect(SessionInputError.isInstance(error)).toBe(true);
    const mismatches = (error as SessionInputError).mismatches;
    expect(mismatches).toEqual([
      { tensorName: 'x', problem: 'dtype', expected: 'float32', received: 'int32' },
      { tensorName: 'x', problem: 'dim', expected: 'dim 1 = 3 of [batch, 3]', received: '4 of [1, 4]' },
      { tensorName: 'z', problem: 'unexpected', expected: 'one of x', received: 'z' },
    ]);
    expect(session.validate({})).toEqual([
      { tensorName: 'x', problem: 'missing', expected: 'float32[batch, 3]', received: 'nothing' },
    ]);
    expect((error as Error).message).toContain('linear.onnx');
    await session.release();
  });

  it('checks a contract at load time and lists every difference', async () => {
    const error = await CheckedSession.create(linearModel, {
      device: 'cpu',
      label: 'linear.onnx',
      contract: {
        inputs: [
          { name: 'x', dtype: 'float32', dims: [1, 4] },
          { name: 'mask', dtype: 'bool', dims: [1] },
        ],
        outputs: [{ name: 'y', dtype: 'float32', dims: ['b', 2] }],
      },
    }).catch((e: unknown) => e);
    expect(ModelContractError.isInstance(error)).toBe(true);
    expect((error as ModelContractError).problems).toEqual([
      'input "x": expected float32[1, 4], model declares float32[batch, 3]',
      'input "mask" is missing (model has: x)',
    ]);
  });
});
