import { describe, expect, it } from 'vitest';
import {
  CorruptVideoError,
  EmptyVideoError,
  FfmpegNotFoundError,
  FfmpegProcessError,
  FrameSelectionError,
  InvalidFrameSizeError,
  isVideoLoomError,
  NotAVideoError,
  NoVideoStreamError,
  VideoFileNotFoundError,
} from './index.js';

const samples = [
  new VideoFileNotFoundError('a.mp4'),
  new NotAVideoError('a.txt', 'Invalid data found when processing input'),
  new NoVideoStreamError('a.m4a', ['audio']),
  new EmptyVideoError('a.mp4', 'zero frames'),
  new CorruptVideoError('a.mp4', 3, '10 frames', '3 frames'),
  new InvalidFrameSizeError('a.mp4', '0x0'),
  new FrameSelectionError('a.mp4', 99, 'an index in 0..9'),
  new FfmpegNotFoundError('ffmpeg', [{ path: 'PATH', reason: 'no ffmpeg found' }]),
  new FfmpegProcessError('a.mp4', 'ffmpeg', 1, 'boom'),
];
const classes = [
  VideoFileNotFoundError,
  NotAVideoError,
  NoVideoStreamError,
  EmptyVideoError,
  CorruptVideoError,
  InvalidFrameSizeError,
  FrameSelectionError,
  FfmpegNotFoundError,
  FfmpegProcessError,
];

describe('video-io errors', () => {
  it('carry the shared marker, a VL_ name and the input in the message', () => {
    for (const error of samples) {
      expect(isVideoLoomError(error)).toBe(true);
      expect(error.name).toMatch(/^VL_/);
      expect(error.message).toMatch(/a\.(mp4|txt|m4a)|ffmpeg/);
    }
  });

  it('isInstance is true for its own class only', () => {
    classes.forEach((cls, i) => {
      for (const [j, error] of samples.entries()) expect(cls.isInstance(error)).toBe(i === j);
    });
  });
});
