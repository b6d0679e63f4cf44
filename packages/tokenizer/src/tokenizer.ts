import type { EngineChoice, EngineEncoding, SpecialTokenMode } from './engine/engine.js';
import type { JsTokenizerEngine } from './engine/js-engine.js';
import { NativeTokenizerEngine, probeNativeEngine } from './engine/native-engine.js';
import { InputTooLongError } from './errors/input-too-long-error.js';
import { TokenIdRangeError } from './errors/token-id-range-error.js';
import { UnknownTokenError } from './errors/unknown-token-error.js';
import { computeOffsets, type TokenOffset } from './offsets.js';
import { type AddedTokenInfo, VIDEOLOOM_TOKENS, type VideoLoomTokenIds } from './special-tokens.js';

/** Options of {@link TextTokenizer} (given to the loaders). */
export interface TokenizerOptions {
  /**
   * Longest text (UTF-16 code units) `encode` accepts; longer input gets an `InputTooLongError` at once
   * instead of a long stall. VideoLoom's whole sequence is at most 8192 tokens (~30k characters).
   * @defaultValue 200_000
   */
  readonly maxInputChars?: number;
  /**
   * Engine of the asynchronous methods (`encodeAsync`, `encodeBatchAsync`, `decodeAsync`). The synchronous
   * methods always use the pure-JS engine; both engines give identical ids (checked by the parity test).
   * @defaultValue 'js'
   */
  readonly engine?: EngineChoice;
}

export interface EncodeOptions {
  /**
   * `parse`: added-token strings in the text (`<img>`, `[SEG]`, `<|im_end|>`) become their ids.
   * `split`: they are ordinary text (use for untrusted text).
   * @defaultValue 'parse'
   */
  readonly specialTokens?: SpecialTokenMode;
}

export interface DecodeOptions {
  /** Drop added tokens marked special (`<img>`, `[SEG]`, `<|im_end|>`...). @defaultValue false */
  readonly skipSpecialTokens?: boolean;
}

/** One encoded text. */
export interface Encoding {
  /** Token ids (int32 range), in order. */
  readonly ids: number[];
  /** Token strings: byte-level BPE strings (`Ġis`) or the literal content of added tokens. */
  readonly tokens: string[];
  /** For each token, its UTF-16 span `[start, end)` in the input text (see offsets.ts for split characters). */
  readonly offsets: TokenOffset[];
}

export const DEFAULT_MAX_INPUT_CHARS = 200_000;

/**
 * A byte-level BPE tokenizer loaded from Hugging Face `tokenizer.json` (+ `tokenizer_config.json`).
 * Build one with `loadTokenizer(dir)` or `loadInternVL3Tokenizer()`.
 */
export class TextTokenizer {
  readonly maxInputChars: number;
  readonly engineChoice: EngineChoice;
  /** Added tokens in id order. */
  readonly addedTokens: readonly AddedTokenInfo[];
  /** Number of ids (regular vocabulary + added tokens): every valid id is below it. */
  readonly vocabSize: number;
  /** The token that ends an assistant turn (tokenizer_config `eos_token`), when declared. */
  readonly eosToken: string | undefined;
  private readonly addedByContent: ReadonlyMap<string, AddedTokenInfo>;
  private readonly addedIds: ReadonlySet<number>;
  private nativeEngine: Promise<NativeTokenizerEngine | undefined> | undefined;

  constructor(
    /** Where the files came from (a folder, or a label for in-memory JSON); named in errors. */
    readonly source: string,
    private readonly jsEngine: JsTokenizerEngine,
    private readonly tokenizerJsonText: string,
    addedTokens: readonly AddedTokenInfo[],
    private readonly regularVocabSize: number,
    eosToken: string | undefined,
    private readonly options: TokenizerOptions = {},
  ) {
    this.maxInputChars = options.maxInputChars ?? DEFAULT_MAX_INPUT_CHARS;
    this.engineChoice = options.engine ?? 'js';
    this.addedTokens = [...addedTokens].sort((a, b) => a.id - b.id);
    this.addedByContent = new Map(this.addedTokens.map((t) => [t.content, t]));
    this.addedIds = new Set(this.addedTokens.map((t) => t.id));
    const lastAdded = this.addedTokens.at(-1)?.id ?? -1;
    this.vocabSize = Math.max(regularVocabSize, lastAdded + 1);
    this.eosToken = eosToken;
  }

  /** The same vocabulary with other options (shares the loaded engine: no second load). */
  withOptions(options: TokenizerOptions): TextTokenizer {
    return new TextTokenizer(
      this.source,
      this.jsEngine,
      this.tokenizerJsonText,
      this.addedTokens,
      this.regularVocabSize,
      this.eosToken,
      { ...this.options, ...options },
    );
  }

  private checkLength(text: string, inputIndex?: number): void {
    if (text.length > this.maxInputChars)
      throw new InputTooLongError(text.length, this.maxInputChars, inputIndex);
  }

  private withOffsets(text: string, encoding: EngineEncoding, mode: SpecialTokenMode): Encoding {
    const isAdded =
      mode === 'parse' ? (token: string) => this.addedByContent.has(token) : (_token: string) => false;
    return {
      ids: encoding.ids,
      tokens: encoding.tokens,
      offsets: computeOffsets(text, encoding.tokens, isAdded),
    };
  }

  /** Ids, tokens and offsets of `text`. No BOS/EOS is added (Qwen has none). */
  encode(text: string, options: EncodeOptions = {}): Encoding {
    this.checkLength(text);
    const mode = options.specialTokens ?? 'parse';
    return this.withOffsets(text, this.jsEngine.encode(text, mode), mode);
  }

  /** Only the ids of `text` (skips the offset computation). */
  encodeIds(text: string, options: EncodeOptions = {}): number[] {
    this.checkLength(text);
    return this.jsEngine.encode(text, options.specialTokens ?? 'parse').ids;
  }

  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): Encoding[] {
    for (const [i, t] of texts.entries()) this.checkLength(t, i);
    return texts.map((t) => this.encode(t, options));
  }

  /**
   * Decodes ids to text. `decode([])` is `""`. Byte sequences that are not valid UTF-8 (a generation cut
   * inside an emoji) decode to U+FFFD, as in the reference.
   * @throws TokenIdRangeError for ids that are not integers in 0..vocabSize-1
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    this.checkIds(ids);
    return this.jsEngine.decode(ids, options.skipSpecialTokens ?? false);
  }

  private checkIds(ids: readonly number[]): void {
    ids.forEach((id, position) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)
        throw new TokenIdRangeError(position, id, this.vocabSize);
    });
  }

  /** The native engine when the engine choice and the installation allow it, else undefined (use JS). */
  private async native(): Promise<NativeTokenizerEngine | undefined> {
    if (this.engineChoice === 'js') return undefined;
    this.nativeEngine ??= (async () => {
      if (this.engineChoice === 'auto' && !(await probeNativeEngine()).available) return undefined;
      return NativeTokenizerEngine.create(this.tokenizerJsonText); // 'native' throws when absent
    })();
    return this.nativeEngine;
  }

  /** Which engine the asynchronous methods use, after probing (`auto` resolves to `native` or `js`). */
  async activeAsyncEngine(): Promise<'js' | 'native'> {
    return (await this.native()) ? 'native' : 'js';
  }

  /** Like `encode`, on the configured engine (native when selected and installed). */
  async encodeAsync(text: string, options: EncodeOptions = {}): Promise<Encoding> {
    this.checkLength(text);
    const mode = options.specialTokens ?? 'parse';
    const native = await this.native();
    return this.withOffsets(
      text,
      native ? await native.encode(text, mode) : this.jsEngine.encode(text, mode),
      mode,
    );
  }

  /** Like `encodeBatch`, on the configured engine (the native engine encodes the batch in parallel). */
  async encodeBatchAsync(texts: readonly string[], options: EncodeOptions = {}): Promise<Encoding[]> {
    for (const [i, t] of texts.entries()) this.checkLength(t, i);
    const mode = options.specialTokens ?? 'parse';
    const native = await this.native();
    if (!native) return texts.map((t) => this.encode(t, options));
    const encodings = await native.encodeBatch(texts, mode);
    return encodings.map((e, i) => this.withOffsets(texts[i]!, e, mode));
  }

  async decodeAsync(ids: readonly number[], options: DecodeOptions = {}): Promise<string> {
    this.checkIds(ids);
    const native = await this.native();
    const skip = options.skipSpecialTokens ?? false;
    return native ? native.decode(ids, skip) : this.jsEngine.decode(ids, skip);
  }

  /** Id of a token string (regular or added), or undefined. */
  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.jsEngine.tokenToId(token);
  }

  /** Like `tokenToId`, but a missing token is an `UnknownTokenError`. */
  requireTokenId(token: string): number {
    const id = this.tokenToId(token);
    if (id === undefined) throw new UnknownTokenError(token, this.source);
    return id;
  }

  /** Token string of an id, or undefined when out of range. */
  idToToken(id: number): string | undefined {
    return this.jsEngine.idToToken(id);
  }

  /** True when `id` is an added token (special or not). */
  isAddedTokenId(id: number): boolean {
    return this.addedIds.has(id);
  }

  /**
   * Ids of the tokens VideoLoom prompts and answers use, read from this tokenizer.
   * @throws UnknownTokenError when the files lack one (e.g. a plain Qwen tokenizer has no `[SEG]`)
   */
  specialTokenIds(): VideoLoomTokenIds {
    return {
      imageStart: this.requireTokenId(VIDEOLOOM_TOKENS.imageStart),
      imageEnd: this.requireTokenId(VIDEOLOOM_TOKENS.imageEnd),
      imageContext: this.requireTokenId(VIDEOLOOM_TOKENS.imageContext),
      segmentation: this.requireTokenId(VIDEOLOOM_TOKENS.segmentation),
      turnStart: this.requireTokenId(VIDEOLOOM_TOKENS.turnStart),
      turnEnd: this.requireTokenId(VIDEOLOOM_TOKENS.turnEnd),
      endOfText: this.requireTokenId(VIDEOLOOM_TOKENS.endOfText),
    };
  }
}
