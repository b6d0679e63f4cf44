import { InvalidMetricInputError, VIDEOLOOM_ERROR_MARKER } from '@videoloom/metrics';
import { describe, expect, it } from 'vitest';
import { ReportInputError } from './report-input-error.js';

describe('ReportInputError', () => {
  it('names the input, the item, the problem, what was expected and received; carries the shared marker', () => {
    const e = new ReportInputError('--run', 'q1', 'malformed run', 'NAME=PATH', '"x"');
    expect(e.name).toBe('VL_ReportInputError');
    expect(e.message).toBe('--run (item q1): malformed run; expected NAME=PATH, received "x".');
    expect((e as unknown as Record<symbol, unknown>)[VIDEOLOOM_ERROR_MARKER]).toBe(true);
    expect(ReportInputError.isInstance(e)).toBe(true);
  });
  it('isInstance is false for a sibling error and for plain values', () => {
    expect(ReportInputError.isInstance(new InvalidMetricInputError('p', undefined, 'x', 'y', 'z'))).toBe(
      false,
    );
    expect(InvalidMetricInputError.isInstance(new ReportInputError('p', undefined, 'x', 'y', 'z'))).toBe(
      false,
    );
    expect(ReportInputError.isInstance(new Error('x'))).toBe(false);
    expect(ReportInputError.isInstance(null)).toBe(false);
  });
});
