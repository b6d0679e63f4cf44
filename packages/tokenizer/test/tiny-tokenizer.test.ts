import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeChat,
  INTERNVL_SYSTEM_TEXT,
  IncrementalDecoder,
  loadTinyTokenizer,
  probeNativeEngine,
  renderChat,
  type TextTokenizer,
  tinyTokenizerDir,
  tokenizerFromJson,
  VIDEOLOOM_TOKENS,
} from '../src/index.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const generator = path.join(repoRoot, 'tools/tokenizer/build-tiny-tokenizer.mjs');
const corpusFile = path.join(import.meta.dirname, 'fixtures/tiny-corpus.json');
const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8')) as {
  seeds: number;
  maxNumber: number;
  words: string[];
  texts: string[];
};
const tokenizerJson = JSON.parse(fs.readFileSync(path.join(tinyTokenizerDir(), 'tokenizer.json'), 'utf8'));

/** The Split regex of the tiny tokenizer: Qwen2's, with ` ?\p{N}+` (whole numbers) for `\p{N}` (one digit). */
const TINY_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/** The same regex in JavaScript syntax (Node 20 has no `(?i:...)` groups). */
const TINY_REGEX_JS =
  /'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]|[^\r\n\p{L}\p{N}]?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
const ADDED = /(<\|endoftext\|>|<\|im_start\|>|<\|im_end\|>|<img>|<\/img>|<IMG_CONTEXT>|\[SEG\])/;

/** The pre-tokenizer pieces of `text` (added tokens are pieces of their own). */
function pieces(text: string): string[] {
  return text
    .split(ADDED)
    .flatMap((part, i) => (i % 2 === 1 ? [part] : (part.normalize('NFC').match(TINY_REGEX_JS) ?? [])));
}

const native = await probeNativeEngine();
if (!native.available) console.warn(`[tiny tokenizer] Rust comparison skipped: ${native.reason}`);

let tiny: TextTokenizer;
beforeAll(() => {
  tiny = loadTinyTokenizer({ engine: native.available ? 'native' : 'js' });
});

describe('shipped tiny tokenizer files', () => {
  it('match the sha256 recorded by the generator', () => {
    const sums = fs.readFileSync(path.join(tinyTokenizerDir(), 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums).toHaveLength(2);
    for (const line of sums) {
      const [sha, name] = line.split(/\s+/);
      const actual = createHash('sha256')
        .update(fs.readFileSync(path.join(tinyTokenizerDir(), name!)))
        .digest('hex');
      expect(actual, name).toBe(sha);
    }
  });

  it('regenerating them (and the corpus) gives byte-identical files', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-tiny-tok-'));
    const result = spawnSync(
      process.execPath,
      [generator, '--out', out, '--corpus', path.join(out, 'tiny-corpus.json')],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    for (const name of ['tokenizer.json', 'tokenizer_config.json', 'SHA256SUMS']) {
      expect(
        fs.readFileSync(path.join(out, name)).equals(fs.readFileSync(path.join(tinyTokenizerDir(), name))),
        name,
      ).toBe(true);
    }
    expect(fs.readFileSync(path.join(out, 'tiny-corpus.json')).equals(fs.readFileSync(corpusFile))).toBe(
      true,
    );
    fs.rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('is a Qwen2-style byte-level BPE: 256 byte symbols first, then merges, then the added tokens', () => {
    // Regenerating after a change to the synthetic world's text changes these counts (and the ids below).
    expect(tiny.vocabSize).toBe(1235);
    const vocab = tokenizerJson.model.vocab as Record<string, number>;
    expect(Object.keys(vocab)).toHaveLength(1228);
    expect(tokenizerJson.model.merges).toHaveLength(972);
    for (let id = 0; id < 256; id++) expect([...tiny.idToToken(id)!], String(id)).toHaveLength(1);
    expect(tiny.tokenToId('Ġ')).toBe(220); // same byte order as Qwen's first 256 ids
    expect(tiny.tokenToId('!')).toBe(0);
    for (const [left, right] of tokenizerJson.model.merges as [string, string][]) {
      expect(
        vocab[left] !== undefined && vocab[right] !== undefined && vocab[left + right] !== undefined,
      ).toBe(true);
    }
    const split = tokenizerJson.pre_tokenizer.pretokenizers[0];
    expect(split).toMatchObject({ type: 'Split', behavior: 'Isolated', invert: false });
    expect(split.pattern.Regex).toBe(TINY_REGEX);
    expect(tokenizerJson.decoder.type).toBe('ByteLevel');
    expect(tokenizerJson.normalizer).toEqual({ type: 'NFC' });
  });
});

describe('VideoLoom tokens', () => {
  it('specialTokenIds() and tokenToId find every VIDEOLOOM_TOKENS entry, after the regular tokens', () => {
    expect(tiny.specialTokenIds()).toEqual({
      endOfText: 1228,
      turnStart: 1229,
      turnEnd: 1230,
      imageStart: 1231,
      imageEnd: 1232,
      imageContext: 1233,
      segmentation: 1234,
    });
    for (const content of Object.values(VIDEOLOOM_TOKENS)) {
      const id = tiny.requireTokenId(content);
      expect(tiny.isAddedTokenId(id)).toBe(true);
      expect(tiny.encodeIds(content)).toEqual([id]);
      expect(tiny.decode([id])).toBe(content);
    }
    expect(tiny.addedTokens.every((t) => t.special)).toBe(true);
    expect(tiny.eosToken).toBe('<|im_end|>');
  });

  it("encodes the segmentation answers as the model writes them; 'split' keeps [SEG] as text", () => {
    expect(tiny.encode('It is [SEG].').tokens).toEqual(['It', 'Ġis', 'Ġ', '[SEG]', '.']);
    expect(tiny.encode('Sure, [SEG].').tokens).toEqual(['Sure', ',', 'Ġ', '[SEG]', '.']);
    const ids = tiny.encodeIds('They are [SEG], [SEG] and [SEG].');
    expect(ids.filter((id) => id === 1234)).toHaveLength(3);
    expect(tiny.decode(ids, { skipSpecialTokens: true })).toBe('They are ,  and .');
    const asText = tiny.encodeIds('It is [SEG].', { specialTokens: 'split' });
    expect(asText).not.toContain(1234);
    expect(tiny.decode(asText)).toBe('It is [SEG].');
  });
});

describe('the synthetic world in one token per word', () => {
  it(`every word is one token, alone and after a space (${corpus.words.length} words)`, () => {
    expect(corpus.words.length).toBeGreaterThan(100);
    for (const word of corpus.words) {
      for (const form of [word, ` ${word}`]) {
        const ids = tiny.encodeIds(form);
        expect(ids, JSON.stringify(form)).toHaveLength(1);
        expect(tiny.decode(ids)).toBe(form);
      }
    }
    for (const word of ['circle', 'checkered', 'triangle', 'saliency', 'downward', 'assistant'])
      expect(corpus.words).toContain(word);
  });

  it(`numbers 0..${corpus.maxNumber} are one token each, alone and after a space`, () => {
    expect(corpus.maxNumber).toBe(255);
    const seen = new Set<number>();
    for (let n = 0; n <= corpus.maxNumber; n++) {
      for (const form of [String(n), ` ${n}`]) {
        const ids = tiny.encodeIds(form);
        expect(ids, JSON.stringify(form)).toHaveLength(1);
        expect(tiny.decode(ids)).toBe(form);
        seen.add(ids[0]!);
      }
    }
    expect(seen.size).toBe(2 * (corpus.maxNumber + 1));
    expect(tiny.encode('The given query happens from 48 to 63.').tokens).toEqual([
      'The',
      'Ġgiven',
      'Ġquery',
      'Ġhappens',
      'Ġfrom',
      'Ġ48',
      'Ġto',
      'Ġ63',
      '.',
    ]);
    expect(tiny.encodeIds('This sampled frame id is 127\n')).toHaveLength(7);
    // Beyond 255 numbers stay one pre-token but take several tokens; they still round-trip.
    for (const text of ['256', ' 1000', '9876543210', '0007']) {
      expect(tiny.encodeIds(text).length).toBeGreaterThan(1);
      expect(tiny.decode(tiny.encodeIds(text))).toBe(text);
    }
  });

  it('decimals (seconds in Where questions) round-trip as integer part, ".", two-digit part', () => {
    expect(tiny.encode('1.25').tokens).toEqual(['1', '.', '25']);
    expect(tiny.encode(' 12.05s?').tokens).toEqual(['Ġ12', '.', '05', 's', '?']);
    for (const text of ['0.50s', '1.25', '12.63s to 13.88s', '3.14159', '.5', '1.', '100.00s']) {
      expect(tiny.decode(tiny.encodeIds(text))).toBe(text);
    }
  });

  it(`every question and answer of ${corpus.seeds} synthetic videos round-trips, one token per pre-token piece`, () => {
    expect(corpus.texts.length).toBeGreaterThan(800);
    const kinds = [
      /^(When|At what time|Find|During which|Where|Segment|Locate) /,
      /^The given query happens from \d+ to \d+\.$/,
      /^From \d+ to \d+, /,
      /^from \d+ to \d+: /,
      /^The highlight frame ids are /,
      /\[SEG\]/,
      /^This sampled frame id is \d+$/,
      /^<\|im_start\|>user\n/,
    ];
    for (const kind of kinds)
      expect(
        corpus.texts.some((t) => kind.test(t)),
        String(kind),
      ).toBe(true);
    let tokens = 0;
    for (const text of corpus.texts) {
      const encoding = tiny.encode(text);
      expect(tiny.decode(encoding.ids)).toBe(text);
      expect(
        encoding.ids.map((id) => tiny.decode([id])),
        text,
      ).toEqual(pieces(text));
      expect(encoding.offsets.map((o) => text.slice(o.start, o.end))).toEqual(pieces(text));
      tokens += encoding.ids.length;
    }
    expect(tokens).toBeGreaterThan(10_000);
  });

  it('unknown text falls back to bytes and still round-trips', () => {
    expect(tiny.encode('Zebra 1.75 ü').tokens.length).toBeGreaterThan(5);
    for (const text of [
      'Zebra 1.75 ü',
      '你好 🎉\n\n  x',
      INTERNVL_SYSTEM_TEXT,
      'naïve café\u0301 — "quoted" (brackets) {braces} $100 50% #tag @user',
      "it's they're I'LL",
      '\t\r\n   trailing   ',
      '👩‍👩‍👧❤️',
    ]) {
      const ids = tiny.encodeIds(text);
      expect(ids.every((id) => id < 1228)).toBe(true);
      expect(tiny.decode(ids)).toBe(text.normalize('NFC'));
    }
    const decoder = new IncrementalDecoder(tiny);
    const ids = tiny.encodeIds('Zebra 🎉 ü');
    const streamed = ids.map((id) => decoder.push(id)).join('') + decoder.flush();
    expect(streamed).toBe('Zebra 🎉 ü');
  });
});

describe('the chat template and the SlowFast prompt pieces', () => {
  it('encodeChat renders, round-trips and masks the answer with the tiny tokenizer', () => {
    const question = 'Where is the large red striped circle during 1.25s to 3.00s?';
    const answer = 'The given query happens from 10 to 24.';
    const encoded = encodeChat(tiny, [
      { role: 'user', content: question },
      { role: 'assistant', content: answer },
    ]);
    expect(encoded.text).toBe(
      renderChat([
        { role: 'user', content: question },
        { role: 'assistant', content: answer },
      ]).text,
    );
    expect(tiny.decode(encoded.ids)).toBe(encoded.text);
    expect(encoded.ids.map((id) => tiny.decode([id]))).toEqual(pieces(encoded.text));
    const lossIds = encoded.ids.filter((_, k) => encoded.lossMask[k] === 1);
    expect(tiny.decode(lossIds)).toBe(`${answer}<|im_end|>`);
    // <|im_start|> user \n + 18 question tokens + <|im_end|> \n <|im_start|> assistant \n + 9 + <|im_end|> \n
    expect(encoded.ids).toHaveLength(3 + 18 + 5 + 9 + 2);
    const withSystem = renderChat([{ role: 'user', content: 'Hi' }], { name: 'internvl2_5' }).text;
    expect(tiny.decode(tiny.encodeIds(withSystem))).toBe(withSystem);
  });

  it('a fast frame with its frame-id text costs 1 + k + 1 + 7 tokens', () => {
    const frame = `<img>${'<IMG_CONTEXT>'.repeat(4)}</img>This sampled frame id is 26\n`;
    expect(tiny.encodeIds(frame)).toEqual([
      1231,
      1233,
      1233,
      1233,
      1233,
      1232,
      ...tiny.encodeIds('This sampled frame id is 26\n'),
    ]);
    expect(tiny.encodeIds(frame)).toHaveLength(13);
  });
});

describe('the pre-tokenizer regex is read from tokenizer.json', () => {
  const qwenDigits = () => {
    const json = structuredClone(tokenizerJson);
    json.pre_tokenizer.pretokenizers[0].pattern.Regex = TINY_REGEX.replace('| ?\\p{N}+|', '|\\p{N}|');
    return tokenizerFromJson(json, {}, "tiny tokenizer.json with Qwen's digit rule", {
      engine: native.available ? 'native' : 'js',
    });
  };

  it("the JS engine splits digits one by one under Qwen's rule and keeps them whole under the tiny rule", () => {
    expect(qwenDigits().encode('from 48 to 63').tokens).toEqual([
      'from',
      'Ġ',
      '4',
      '8',
      'Ġto',
      'Ġ',
      '6',
      '3',
    ]);
    expect(tiny.encode('from 48 to 63').tokens).toEqual(['from', 'Ġ48', 'Ġto', 'Ġ63']);
  });

  it.skipIf(!native.available)('so does the Rust engine', async () => {
    expect((await qwenDigits().encodeAsync('from 48 to 63')).tokens).toEqual([
      'from',
      'Ġ',
      '4',
      '8',
      'Ġto',
      'Ġ',
      '6',
      '3',
    ]);
    expect((await tiny.encodeAsync('from 48 to 63')).tokens).toEqual(['from', 'Ġ48', 'Ġto', 'Ġ63']);
  });
});

describe.skipIf(!native.available)('JS engine vs the Rust library on the tiny tokenizer', () => {
  it('the native engine is the one in use', async () => {
    expect(await tiny.activeAsyncEngine()).toBe('native');
  });

  it('identical ids, tokens and offsets on the corpus and on generated strings, in both modes', async () => {
    const alphabet = [...new Set([...corpus.texts.join(''), ...'0123456789 ü🎉你\n\t.'])];
    let seed = 11;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    const generated = Array.from({ length: 300 }, () =>
      Array.from({ length: 1 + rand(60) }, () => alphabet[rand(alphabet.length)]).join(''),
    );
    const texts = [...corpus.texts, ...generated, 'Zebra 1.75 ü', ' 255 256 1000 007'];
    const nativeParse = await tiny.encodeBatchAsync(texts);
    const nativeSplit = await tiny.encodeBatchAsync(texts, { specialTokens: 'split' });
    texts.forEach((text, i) => {
      expect(tiny.encode(text), text).toEqual(nativeParse[i]);
      expect(tiny.encode(text, { specialTokens: 'split' }), text).toEqual(nativeSplit[i]);
    });
    for (const i of [0, 100, 500, texts.length - 2]) {
      const ids = nativeParse[i]!.ids;
      expect(await tiny.decodeAsync(ids)).toBe(tiny.decode(ids));
      expect(await tiny.decodeAsync(ids, { skipSpecialTokens: true })).toBe(
        tiny.decode(ids, { skipSpecialTokens: true }),
      );
    }
  });
});
