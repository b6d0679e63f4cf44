import { describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  isVideoLoomError,
  ModelContractError,
  OpNotImplementedError,
  SafetensorsFormatError,
  SessionInputError,
  TensorInteropError,
  UnsupportedDeviceError,
} from './index.js';

const samples = [
  new BackendUnavailableError('tfjs', 'gpu', []),
  new UnsupportedDeviceError('device', 'x', ['cpu']),
  new SessionInputError('m.onnx', []),
  new OpNotImplementedError('AvgPoolTokens', 'webgl', ['cpu']),
  new TensorInteropError('t', 'a', 'b'),
  new ModelContractError('m.onnx', ['p']),
  new SafetensorsFormatError('w.safetensors', 'bad', 'x'),
];
const classes = [
  BackendUnavailableError,
  UnsupportedDeviceError,
  SessionInputError,
  OpNotImplementedError,
  TensorInteropError,
  ModelContractError,
  SafetensorsFormatError,
];

describe('backend errors', () => {
  it('each isInstance recognises its own class only, never a sibling', () => {
    classes.forEach((cls, i) => {
      samples.forEach((sample, j) => {
        expect(cls.isInstance(sample)).toBe(i === j);
      });
    });
  });

  it('all carry the shared VideoLoom marker and a VL_ name', () => {
    for (const e of samples) {
      expect(isVideoLoomError(e)).toBe(true);
      expect(e.name).toMatch(/^VL_/);
    }
    expect(isVideoLoomError(new Error('plain'))).toBe(false);
  });

  it('recognises an error from another copy of the package by its registered symbol', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('videoloom.error')]: true,
      [Symbol.for('videoloom.error.SessionInputError')]: true,
    });
    expect(isVideoLoomError(foreign)).toBe(true);
    expect(SessionInputError.isInstance(foreign)).toBe(true);
    expect(ModelContractError.isInstance(foreign)).toBe(false);
  });

  it('OpNotImplementedError names the op, the backend and where it is implemented', () => {
    expect(samples[3]!.message).toBe(
      'Op "AvgPoolTokens" has no implementation on backend "webgl". It is implemented on: cpu; select one of those with --device or VIDEOLOOM_TFJS_BACKEND.',
    );
  });
});
