import { describe, expect, it } from 'vitest';
import {
  AnnotationRejectedError,
  ChatRequestError,
  DataConfigError,
  FrameInputError,
  StageInputError,
  VIDEOLOOM_ERROR_MARKER,
} from './index.js';

const samples = [
  new AnnotationRejectedError('v', 0, ['p'], 3, 'x'),
  new ChatRequestError('http://127.0.0.1/v1', 500, 3, 'HTTP 500'),
  new DataConfigError('shots.contentThreshold', 'a number > 0', -1),
  new FrameInputError(3, '1280x720', '640x360'),
  new StageInputError('v/shots.json', 'not JSON'),
];
const classes = [
  AnnotationRejectedError,
  ChatRequestError,
  DataConfigError,
  FrameInputError,
  StageInputError,
];

describe('data errors', () => {
  it('each isInstance recognises its own class only, never a sibling', () => {
    classes.forEach((cls, i) => {
      samples.forEach((sample, j) => {
        expect(cls.isInstance(sample)).toBe(i === j);
      });
    });
  });

  it('carry the shared marker, a VL_ name and the input in the message', () => {
    for (const e of samples) {
      expect((e as unknown as Record<symbol, unknown>)[VIDEOLOOM_ERROR_MARKER]).toBe(true);
      expect(e.name).toMatch(/^VL_/);
    }
    expect(samples[3]!.message).toContain('Frame 3');
    expect(samples[4]!.message).toContain('v/shots.json');
  });
});
