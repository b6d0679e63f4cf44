import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChatTemplateError,
  encodeChat,
  loadInternVL3Tokenizer,
  renderChat,
  type TextTokenizer,
} from '../index.js';

let tokenizer: TextTokenizer;
beforeAll(() => {
  tokenizer = loadInternVL3Tokenizer();
});

describe('chat templates', () => {
  it('qwen_chat (default) writes no system line and ends with the assistant prompt', () => {
    const r = renderChat([{ role: 'user', content: 'Please segment the dog.' }]);
    expect(r.text).toBe('<|im_start|>user\nPlease segment the dog.<|im_end|>\n<|im_start|>assistant\n');
    expect(r.endsWithGenerationPrompt).toBe(true);
  });

  it("internvl2_5 writes InternVL's system line (37 tokens) before the turns", () => {
    const r = renderChat([{ role: 'user', content: 'Hi' }], { name: 'internvl2_5' });
    const systemLine = r.text.slice(0, r.text.indexOf('<|im_start|>user'));
    expect(systemLine.startsWith('<|im_start|>system\n你是书生·万象')).toBe(true);
    expect(tokenizer.encodeIds(systemLine)).toHaveLength(37);
    expect(renderChat([{ role: 'user', content: 'Hi' }], { name: 'qwen_chat', systemText: 'S' }).text).toBe(
      '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('multi-turn conversations mark each answer and its <|im_end|> for the loss', () => {
    const messages = [
      { role: 'user', content: 'When?' },
      { role: 'assistant', content: 'The given query happens from 3 to 9.' },
      { role: 'user', content: 'Where?' },
      { role: 'assistant', content: 'It is [SEG].' },
    ] as const;
    const r = renderChat(messages);
    expect(r.endsWithGenerationPrompt).toBe(false);
    expect(r.answerSpans.map((s) => r.text.slice(s.start, s.end))).toEqual([
      'The given query happens from 3 to 9.<|im_end|>',
      'It is [SEG].<|im_end|>',
    ]);
    const { ids, lossMask } = encodeChat(tokenizer, messages);
    expect(ids).toEqual(tokenizer.encodeIds(r.text));
    const lossIds = ids.filter((_, k) => lossMask[k] === 1);
    expect(tokenizer.decode(lossIds)).toBe(
      'The given query happens from 3 to 9.<|im_end|>It is [SEG].<|im_end|>',
    );
    // The trailing "\n" after <|im_end|> and the "<|im_start|>assistant\n" prompt carry no loss.
    expect(lossMask.at(-1)).toBe(0);
  });

  it('rejects conversations it cannot render', () => {
    expect(() => renderChat([])).toThrow(ChatTemplateError);
    expect(() => renderChat([{ role: 'assistant', content: 'x' }])).toThrow(/messages\[0\]/);
    expect(() => renderChat([{ role: 'user', content: 'x' }], { name: 'llama' as never })).toThrow(
      /unknown template/,
    );
  });
});
