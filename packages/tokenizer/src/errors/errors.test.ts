import { describe, expect, it } from 'vitest';
import {
  ChatTemplateError,
  EngineUnavailableError,
  InputTooLongError,
  isVideoLoomError,
  TokenIdRangeError,
  TokenizerLoadError,
  UnknownTokenError,
} from './index.js';

const samples = [
  new ChatTemplateError('qwen_chat', 'p', 1),
  new EngineUnavailableError('native', 'r'),
  new InputTooLongError(10, 5),
  new TokenIdRangeError(0, -1, 10),
  new TokenizerLoadError('a/tokenizer.json', 'p'),
  new UnknownTokenError('[SEG]', 'a/tokenizer.json'),
];
const classes = [
  ChatTemplateError,
  EngineUnavailableError,
  InputTooLongError,
  TokenIdRangeError,
  TokenizerLoadError,
  UnknownTokenError,
];

describe('tokenizer errors', () => {
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

  it('messages name the input, the problem and the fix', () => {
    expect(samples[2]!.message).toBe(
      'The text has 10 characters; the tokenizer accepts at most 5 (maxInputChars). Split the text, or load the tokenizer with a larger maxInputChars.',
    );
    expect(samples[0]!.message).toContain('(messages[1])');
  });
});
