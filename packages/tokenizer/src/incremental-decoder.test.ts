import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IncrementalDecoder, loadInternVL3Tokenizer, type TextTokenizer } from './index.js';

let tokenizer: TextTokenizer;
beforeAll(() => {
  tokenizer = loadInternVL3Tokenizer();
});

const fixture = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../test/fixtures/parity.json'), 'utf8'),
) as { cases: Array<{ text: string; ids: number[] }> };

describe('IncrementalDecoder', () => {
  it('pieces concatenate to decode(allIds) on the whole parity corpus, and never end in half a character', () => {
    for (const skipSpecialTokens of [false, true]) {
      for (const { ids } of fixture.cases) {
        const decoder = new IncrementalDecoder(tokenizer, { skipSpecialTokens });
        const pieces = ids.map((id) => decoder.push(id));
        pieces.push(decoder.flush());
        for (const piece of pieces) expect(piece.endsWith('\uFFFD')).toBe(false);
        expect(pieces.join('')).toBe(tokenizer.decode(ids, { skipSpecialTokens }));
      }
    }
  });

  it('holds back the byte tokens of an emoji until it is complete', () => {
    const ids = tokenizer.encodeIds(' 🎉'); // three byte-level tokens for one emoji
    expect(ids.length).toBeGreaterThan(1);
    const decoder = new IncrementalDecoder(tokenizer);
    const pieces = ids.map((id) => decoder.push(id));
    expect(pieces.slice(0, -1).every((p) => p === '')).toBe(true);
    expect(pieces.at(-1)).toBe(' 🎉');
  });

  it('flush emits an unfinished character as U+FFFD, like decode', () => {
    const ids = tokenizer.encodeIds(' 🎉'); // first token: a space and the emoji's first bytes
    const decoder = new IncrementalDecoder(tokenizer);
    expect(decoder.push(ids[0]!)).toBe('');
    expect(tokenizer.decode([ids[0]!]).endsWith('\uFFFD')).toBe(true);
    expect(decoder.flush()).toBe(tokenizer.decode([ids[0]!]));
  });
});
