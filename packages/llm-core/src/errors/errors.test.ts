import { describe, expect, it } from 'vitest';
import {
  CheckpointMismatchError,
  ModelConfigError,
  TensorShapeError,
  VIDEOLOOM_ERROR_MARKER,
  VisualTokenCountError,
} from './index.js';

const samples = [
  new CheckpointMismatchError(
    'c.json',
    'w.safetensors',
    [{ tensorName: 't', expected: [1], received: [2] }],
    'cause',
  ),
  new ModelConfigError('decoder.hiddenSize', 'a positive integer', -1, 'config.json'),
  new TensorShapeError('pixels', '[n, 3, H, W]', '[1]'),
  new VisualTokenCountError('visualTokens', 3, 2),
];
const classes = [CheckpointMismatchError, ModelConfigError, TensorShapeError, VisualTokenCountError];

describe('llm-core errors', () => {
  it('carry VL_ names, the shared marker, and isInstance true only for their own class', () => {
    samples.forEach((error, i) => {
      expect(error.name).toMatch(/^VL_/);
      expect((error as unknown as Record<symbol, unknown>)[VIDEOLOOM_ERROR_MARKER]).toBe(true);
      expect(VIDEOLOOM_ERROR_MARKER).toBe(Symbol.for('videoloom.error'));
      classes.forEach((cls, j) => {
        expect(cls.isInstance(error)).toBe(i === j);
      });
    });
  });

  it('messages name the input, the problem and the fix', () => {
    expect(samples[1]?.message).toMatch(/config.json.*decoder\.hiddenSize.*positive integer.*-1/);
    expect(samples[3]?.message).toMatch(
      /3 <IMG_CONTEXT> position\(s\) but visualTokens holds 2.*same SlowFast layout/,
    );
    expect(samples[0]?.message).toMatch(
      /w\.safetensors does not match config c\.json[\s\S]*t: expected \[1\], found \[2\][\s\S]*Likely cause: cause/,
    );
  });
});
