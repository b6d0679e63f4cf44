import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EngineUnavailableError,
  InputTooLongError,
  internVL3TokenizerDir,
  loadInternVL3Tokenizer,
  loadTokenizer,
  type TextTokenizer,
  TokenIdRangeError,
  TokenizerLoadError,
  tokenizerFromJson,
  UnknownTokenError,
} from './index.js';

let tokenizer: TextTokenizer;
beforeAll(() => {
  tokenizer = loadInternVL3Tokenizer({ maxInputChars: 10_000 });
});

describe('shipped InternVL3 tokenizer files', () => {
  it('match the sha256 recorded by the build script', () => {
    const dir = internVL3TokenizerDir();
    const sums = fs.readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums).toHaveLength(2);
    for (const line of sums) {
      const [sha, name] = line.split(/\s+/);
      const actual = createHash('sha256')
        .update(fs.readFileSync(path.join(dir, name!)))
        .digest('hex');
      expect(actual, name).toBe(sha);
    }
  });

  it("declare InternVL's 9 tokens at 151665..151673 and [SEG] at 151674, after Qwen2.5's 22", () => {
    const added = tokenizer.addedTokens;
    expect(added).toHaveLength(32);
    expect(added[0]).toEqual({ id: 151643, content: '<|endoftext|>', special: true });
    expect(added.slice(22).map((t) => [t.id, t.content])).toEqual([
      [151665, '<img>'],
      [151666, '</img>'],
      [151667, '<IMG_CONTEXT>'],
      [151668, '<quad>'],
      [151669, '</quad>'],
      [151670, '<ref>'],
      [151671, '</ref>'],
      [151672, '<box>'],
      [151673, '</box>'],
      [151674, '[SEG]'],
    ]);
    expect(tokenizer.vocabSize).toBe(151675);
    expect(tokenizer.eosToken).toBe('<|im_end|>');
    // Qwen3's own additions must be gone.
    expect(tokenizer.encodeIds('<think>')).not.toHaveLength(1);
  });

  it('specialTokenIds() reads the ids VideoLoom needs from the files', () => {
    expect(tokenizer.specialTokenIds()).toEqual({
      imageStart: 151665,
      imageEnd: 151666,
      imageContext: 151667,
      segmentation: 151674,
      turnStart: 151644,
      turnEnd: 151645,
      endOfText: 151643,
    });
  });
});

describe('encode / decode', () => {
  it('reproduces the token facts of the model reference', () => {
    expect(tokenizer.encode('It is [SEG].').tokens).toEqual(['It', 'Ġis', 'Ġ', '[SEG]', '.']);
    expect(tokenizer.encodeIds('It is [SEG].')).toEqual([2132, 374, 220, 151674, 13]);
    expect(tokenizer.encodeIds('from 48 to 63')).toEqual([1499, 220, 19, 23, 311, 220, 21, 18]);
    expect(tokenizer.encodeIds('This sampled frame id is 26')).toEqual([
      1986, 48876, 4034, 877, 374, 220, 17, 21,
    ]);
    expect(tokenizer.encodeIds('This sampled frame id is 7')).toHaveLength(7);
    expect(tokenizer.encodeIds('This sampled frame id is 127')).toHaveLength(9);
    let total = 0;
    for (let id = 0; id < 128; id++) total += tokenizer.encodeIds(`This sampled frame id is ${id}`).length;
    expect(total).toBe(1042);
  });

  it('decode([]) is the empty string, and decode inverts encode', () => {
    expect(tokenizer.decode([])).toBe('');
    expect(tokenizer.decode([], { skipSpecialTokens: true })).toBe('');
    for (const text of ['It is [SEG].', '你好 🎉\n\n  x', '<img><IMG_CONTEXT></img>frame 3']) {
      expect(tokenizer.decode(tokenizer.encodeIds(text))).toBe(text);
    }
  });

  it('skips special tokens only when asked', () => {
    const ids = tokenizer.encodeIds('<|im_start|>assistant\nIt is [SEG].<|im_end|>');
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('assistant\nIt is .');
    expect(tokenizer.decode(ids)).toBe('<|im_start|>assistant\nIt is [SEG].<|im_end|>');
  });

  it("'split' mode keeps added-token strings as text", () => {
    const ids = tokenizer.encodeIds('a <IMG_CONTEXT> b', { specialTokens: 'split' });
    expect(ids).not.toContain(151667);
    expect(tokenizer.decode(ids)).toBe('a <IMG_CONTEXT> b');
  });

  it("offsets slice back to each token's text, with split characters sharing one span", () => {
    const text = 'héllo 世界 🎉 [SEG]!';
    const { tokens, offsets } = tokenizer.encode(text);
    expect(offsets).toHaveLength(tokens.length);
    expect(offsets.map((o) => text.slice(o.start, o.end))).toEqual([
      'h',
      'él',
      'lo',
      ' ',
      '世界',
      ' 🎉',
      '🎉',
      '🎉',
      ' ',
      '[SEG]',
      '!',
    ]);
  });

  it("offsets point into the caller's text when NFC changes it", () => {
    const text = 'cafe\u0301 ok'; // decomposed é: NFC makes it one character
    const { offsets } = tokenizer.encode(text);
    expect(offsets.at(-1)).toEqual({ start: 5, end: 8 });
    expect(offsets.some((o) => text.slice(o.start, o.end).includes('e\u0301'))).toBe(true);
    expect(text.slice(offsets.at(-1)!.start, offsets.at(-1)!.end)).toBe(' ok');
  });

  it('encodeBatch equals encoding one by one', () => {
    const texts = ['a b', '', '[SEG]', 'from 1 to 2'];
    expect(tokenizer.encodeBatch(texts)).toEqual(texts.map((t) => tokenizer.encode(t)));
    expect(tokenizer.encode('')).toEqual({ ids: [], tokens: [], offsets: [] });
  });

  it('refuses text over the cap at once, with a typed error naming the batch position', () => {
    const long = 'x'.repeat(10_001);
    const start = performance.now();
    expect(() => tokenizer.encode(long)).toThrow(InputTooLongError);
    expect(performance.now() - start).toBeLessThan(1000);
    try {
      tokenizer.encodeBatch(['ok', long]);
      expect.unreachable();
    } catch (error) {
      expect(InputTooLongError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ received: 10_001, expected: 10_000, inputIndex: 1 });
    }
  });

  it('refuses ids outside the vocabulary', () => {
    expect(() => tokenizer.decode([1, 151675])).toThrow(TokenIdRangeError);
    expect(() => tokenizer.decode([-1])).toThrow(TokenIdRangeError);
    expect(() => tokenizer.decode([1.5])).toThrow(/ids\[0\] is 1.5/);
  });

  it('requireTokenId names the missing token and the file', () => {
    expect(tokenizer.requireTokenId('[SEG]')).toBe(151674);
    expect(tokenizer.tokenToId('[NOT_A_TOKEN]')).toBeUndefined();
    expect(() => tokenizer.requireTokenId('[NOT_A_TOKEN]')).toThrow(UnknownTokenError);
  });
});

describe('loading', () => {
  it('names the missing file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-tok-'));
    expect(() => loadTokenizer(dir)).toThrow(TokenizerLoadError);
    expect(() => loadTokenizer(dir)).toThrow(path.join(dir, 'tokenizer.json'));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{ not json');
    expect(() => loadTokenizer(dir)).toThrow(/not valid JSON/);
  });

  it('rejects tokenizers that are not byte-level BPE', () => {
    expect(() => tokenizerFromJson({ model: { type: 'WordPiece', vocab: {} } }, {}, 'in-memory')).toThrow(
      /expected "BPE"/,
    );
    expect(() =>
      tokenizerFromJson(
        { model: { type: 'BPE', vocab: { a: 0 }, merges: [] }, decoder: { type: 'Metaspace' } },
        {},
        'x',
      ),
    ).toThrow(/ByteLevel/);
  });

  it('a tokenizer without [SEG] reports it by name; a tiny byte-level BPE loads and round-trips', () => {
    // 256 byte-level symbols, one merge, and only <img> as added token: no [SEG].
    const bytes = [...Array(256).keys()].map((b) => String.fromCharCode(b));
    const vocab: Record<string, number> = {};
    const alphabet = (() => {
      const printable = [...Array(256).keys()].filter(
        (b) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae,
      );
      let extra = 0;
      return [...Array(256).keys()].map((b) =>
        printable.includes(b) ? bytes[b]! : String.fromCharCode(256 + extra++),
      );
    })();
    alphabet.forEach((ch, id) => {
      vocab[ch] = id;
    });
    vocab.ab = 256;
    const json = {
      added_tokens: [
        {
          id: 257,
          content: '<img>',
          special: true,
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
        },
      ],
      normalizer: null,
      post_processor: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
      decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
      model: { type: 'BPE', vocab, merges: [['a', 'b']], unk_token: null, ignore_merges: false },
    };
    const tiny = tokenizerFromJson(json, {}, 'tiny tokenizer.json');
    expect(tiny.vocabSize).toBe(258);
    expect(tiny.encode('abc<img>é').tokens).toEqual(['ab', 'c', '<img>', 'Ã', '©']);
    expect(tiny.decode(tiny.encodeIds('abc<img>é'))).toBe('abc<img>é');
    expect(() => tiny.specialTokenIds()).toThrow(/"<\/img>" is not in the vocabulary of tiny tokenizer.json/);
    expect(() => tiny.requireTokenId('[SEG]')).toThrow(
      /"\[SEG\]" is not in the vocabulary of tiny tokenizer.json/,
    );
  });

  it("engine 'native' fails with EngineUnavailableError only when the binding is missing", async () => {
    const native = tokenizer.withOptions({ engine: 'native' });
    try {
      expect(await native.activeAsyncEngine()).toBe('native');
    } catch (error) {
      expect(EngineUnavailableError.isInstance(error)).toBe(true);
    }
    const js = tokenizer.withOptions({ engine: 'js' });
    expect(await js.activeAsyncEngine()).toBe('js');
    expect(await js.encodeBatchAsync(['a [SEG]', 'b'])).toEqual(js.encodeBatch(['a [SEG]', 'b']));
    expect(await js.decodeAsync([])).toBe('');
    expect(js.maxInputChars).toBe(10_000); // options not overridden are kept
  });
});
