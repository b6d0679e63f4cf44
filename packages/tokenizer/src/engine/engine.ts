/**
 * The contract both tokenizer engines implement. The pure-JS engine (@huggingface/tokenizers) is
 * synchronous and always present; the native engine (@anush008/tokenizers, a binding of the Rust
 * `tokenizers` library) is asynchronous and optional. Both return byte-level token strings, from
 * which offsets are computed the same way (see offsets.ts), so results are engine-independent.
 */

/** How added tokens written inside the text are treated. */
export type SpecialTokenMode =
  /** `<img>`, `[SEG]`, `<|im_end|>`... in the text become their single added-token ids (HF default). */
  | 'parse'
  /** Added-token strings are ordinary text, split by BPE (for untrusted text such as a user question). */
  | 'split';

/** Ids and token strings of one text (byte-level strings for BPE tokens, literal content for added tokens). */
export interface EngineEncoding {
  readonly ids: number[];
  readonly tokens: string[];
}

/** Which engine runs: `js` always works; `native` needs @anush008/tokenizers; `auto` prefers native when installed. */
export type EngineChoice = 'js' | 'native' | 'auto';

export interface SyncTokenizerEngine {
  readonly name: 'js';
  encode(text: string, mode: SpecialTokenMode): EngineEncoding;
  decode(ids: readonly number[], skipSpecialTokens: boolean): string;
}

export interface AsyncTokenizerEngine {
  readonly name: 'native';
  encode(text: string, mode: SpecialTokenMode): Promise<EngineEncoding>;
  encodeBatch(texts: readonly string[], mode: SpecialTokenMode): Promise<EngineEncoding[]>;
  decode(ids: readonly number[], skipSpecialTokens: boolean): Promise<string>;
}
