import { describe, expect, it } from 'vitest';
import { finetuneOption } from './run-train-cli.js';

describe('videoloom-train --finetune', () => {
  it('takes full, lora, or a comma-separated list of groups', () => {
    expect(finetuneOption('full')).toBe('full');
    expect(finetuneOption('lora')).toBe('lora');
    expect(finetuneOption('decoder, embed_tokens,lm_head')).toEqual(['decoder', 'embed_tokens', 'lm_head']);
  });

  it('an empty list is a typed error naming the flag', () => {
    expect(() => finetuneOption(' , ')).toThrow(
      expect.objectContaining({
        name: 'VL_TrainingDataError',
        message: expect.stringMatching(/^--finetune:/),
      }),
    );
  });
});
