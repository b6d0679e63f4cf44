import { describe, expect, it } from 'vitest';
import {
  EngineUnavailableError,
  InvalidServeOptionError,
  QueueFullError,
  ServeRequestError,
  VIDEOLOOM_ERROR_MARKER,
} from './index.js';

const samples = {
  ServeRequestError: new ServeRequestError(400, 'invalid_field', '"task" must be ...', 'task'),
  QueueFullError: new QueueFullError(1, 2, 3),
  InvalidServeOptionError: new InvalidServeOptionError('--port', 'an integer', '"x"'),
  EngineUnavailableError: new EngineUnavailableError('no weights'),
};
const checks = {
  ServeRequestError: ServeRequestError.isInstance,
  QueueFullError: QueueFullError.isInstance,
  InvalidServeOptionError: InvalidServeOptionError.isInstance,
  EngineUnavailableError: EngineUnavailableError.isInstance,
};

describe('serve errors', () => {
  it('carry the shared VideoLoom marker and a VL_ name', () => {
    for (const error of Object.values(samples)) {
      expect((error as unknown as Record<symbol, unknown>)[VIDEOLOOM_ERROR_MARKER]).toBe(true);
      expect(error.name).toMatch(/^VL_/);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('isInstance is true for its own class (and a QueueFullError is a ServeRequestError), false for siblings', () => {
    for (const [checkName, check] of Object.entries(checks)) {
      for (const [sampleName, sample] of Object.entries(samples)) {
        const expected =
          checkName === sampleName || (checkName === 'ServeRequestError' && sampleName === 'QueueFullError');
        expect(check(sample), `${checkName}.isInstance(${sampleName})`).toBe(expected);
      }
      expect(check(new Error('plain'))).toBe(false);
      expect(check(null)).toBe(false);
    }
  });

  it('serialise to the JSON error body, with field only when there is one', () => {
    expect(samples.ServeRequestError.toJSON()).toEqual({
      error: { code: 'invalid_field', message: '"task" must be ...', field: 'task' },
    });
    expect(samples.QueueFullError.toJSON()).toEqual({
      error: { code: 'queue_full', message: expect.stringContaining('Retry in about 3 s') },
    });
  });
});
