import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  internVL3TokenizerDir,
  loadInternVL3Tokenizer,
  probeNativeEngine,
  type TextTokenizer,
} from '../src/index.js';

interface ParityCase {
  text: string;
  ids: number[];
  splitIds: number[];
  decoded: string;
  decodedSkipSpecial: string;
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, 'fixtures/parity.json'), 'utf8'),
) as {
  tokenizerSha256: string;
  cases: ParityCase[];
};

const native = await probeNativeEngine();
if (!native.available) console.warn(`[tokenizer parity] live Rust comparison skipped: ${native.reason}`);

let tokenizer: TextTokenizer;
beforeAll(() => {
  tokenizer = loadInternVL3Tokenizer({ engine: native.available ? 'native' : 'js' });
});

describe('JS engine vs the Rust reference fixture', () => {
  it('the fixture was made from the shipped tokenizer.json', () => {
    const text = fs.readFileSync(path.join(internVL3TokenizerDir(), 'tokenizer.json'));
    expect(createHash('sha256').update(text).digest('hex')).toBe(fixture.tokenizerSha256);
    expect(fixture.cases.length).toBeGreaterThanOrEqual(300);
  });

  it('ids are identical on every corpus string (added tokens parsed)', () => {
    const mismatches = fixture.cases.filter(
      (c) => JSON.stringify(tokenizer.encodeIds(c.text)) !== JSON.stringify(c.ids),
    );
    expect(mismatches.map((c) => c.text)).toEqual([]);
  });

  it('ids are identical with added-token strings treated as text', () => {
    const mismatches = fixture.cases.filter(
      (c) =>
        JSON.stringify(tokenizer.encodeIds(c.text, { specialTokens: 'split' })) !==
        JSON.stringify(c.splitIds),
    );
    expect(mismatches.map((c) => c.text)).toEqual([]);
  });

  it('decode matches Rust, with and without special tokens', () => {
    for (const c of fixture.cases) {
      expect(tokenizer.decode(c.ids)).toBe(c.decoded);
      expect(tokenizer.decode(c.ids, { skipSpecialTokens: true })).toBe(c.decodedSkipSpecial);
    }
  });
});

describe.skipIf(!native.available)('live comparison with the Rust binding', () => {
  it('the native engine is the one in use', async () => {
    expect(await tokenizer.activeAsyncEngine()).toBe('native');
  });

  it('JS and native give identical ids, tokens and offsets on the corpus and on generated strings', async () => {
    const texts = fixture.cases.map((c) => c.text);
    // Generated strings: random mixes of the corpus's characters, so the comparison covers more than the fixture.
    const alphabet = [...new Set([...texts.join('')])];
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let n = 0; n < 200; n++) {
      const length = 1 + Math.floor(rand() * 40);
      texts.push(Array.from({ length }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
    }
    const nativeEncodings = await tokenizer.encodeBatchAsync(texts);
    const nativeSplit = await tokenizer.encodeBatchAsync(texts, { specialTokens: 'split' });
    texts.forEach((text, i) => {
      expect(tokenizer.encode(text), text).toEqual(nativeEncodings[i]);
      expect(tokenizer.encode(text, { specialTokens: 'split' }).ids, text).toEqual(nativeSplit[i]!.ids);
    });
  });

  it("offsets equal the Rust library's own offsets (code points converted to UTF-16 units)", async () => {
    const specifier = '@anush008/tokenizers';
    const rust = (await import(specifier)) as {
      Tokenizer: { fromFile(f: string): { encode(t: string): Promise<{ getOffsets(): number[][] }> } };
    };
    const reference = rust.Tokenizer.fromFile(path.join(internVL3TokenizerDir(), 'tokenizer.json'));
    let compared = 0;
    for (const { text } of fixture.cases) {
      if (text.normalize('NFC') !== text) continue; // Rust reports offsets of the normalized text there
      const codePointToUnit = [0];
      for (const ch of text) codePointToUnit.push(codePointToUnit.at(-1)! + ch.length);
      const expected = (await reference.encode(text)).getOffsets().map(([s, e]) => ({
        start: codePointToUnit[s!],
        end: codePointToUnit[e!],
      }));
      expect(tokenizer.encode(text).offsets, text).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(290);
  });

  it("long words without spaces (the merge loop's hard case) match Rust", async () => {
    const pools = [
      '视频中的人在桌子上放下了书然后拿起刀切开面包并把米饭放在生鱼片上',
      '🎉👍🏽🍣👩‍👩‍👧❤️',
      'abcdefghijklmnopqrstuvwxyz0123456789_',
      'ありがとうございますカタカナ',
    ];
    let seed = 99;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    const texts = Array.from({ length: 60 }, () => {
      const pool = [...pools[rand(pools.length)]!];
      return Array.from({ length: 50 + rand(600) }, () => pool[rand(pool.length)]).join('');
    });
    const nativeEncodings = await tokenizer.encodeBatchAsync(texts);
    texts.forEach((text, i) => {
      expect(tokenizer.encodeIds(text)).toEqual(nativeEncodings[i]!.ids);
    });
  });

  it('native decode equals JS decode', async () => {
    for (const c of fixture.cases.slice(0, 60)) {
      expect(await tokenizer.decodeAsync(c.ids, { skipSpecialTokens: true })).toBe(
        tokenizer.decode(c.ids, { skipSpecialTokens: true }),
      );
    }
  });
});
