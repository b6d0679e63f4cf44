import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { toByteLevel } from '../offsets.js';
import type { EngineEncoding, SpecialTokenMode, SyncTokenizerEngine } from './engine.js';
import { FastBpe } from './fast-bpe.js';

/** The internals of @huggingface/tokenizers' Tokenizer that the `split` mode calls (public fields, untyped). */
interface HfPipeline {
  normalizer: ((text: string) => string) | null;
  pre_tokenizer: ((text: string, options?: object) => string[]) | null;
  model: ((tokens: string[]) => string[]) & HfBpeModel;
}

/** The fields of @huggingface/tokenizers' ByteLevel pre-tokenizer that the faster mapping checks. */
interface HfByteLevel {
  byte_encoder?: unknown;
  use_regex?: boolean;
  add_prefix_space?: boolean;
  pre_tokenize_text?: (text: string, options?: object) => string[];
  tokenizers?: HfByteLevel[];
}

/** The fields of @huggingface/tokenizers' BPE model that the faster merge loop replaces or reads. */
interface HfBpeModel {
  tokens_to_ids?: Map<string, number>;
  vocab?: string[];
  merges?: Array<[string, string]>;
  bpe?: (token: string) => string[];
}

/** Pure-JS engine on @huggingface/tokenizers (the default: no native code, works everywhere). */
export class JsTokenizerEngine implements SyncTokenizerEngine {
  readonly name = 'js' as const;
  private readonly tokenizer: HfTokenizer;

  constructor(tokenizerJson: object, tokenizerConfig: object) {
    this.tokenizer = new HfTokenizer(tokenizerJson, tokenizerConfig);
    this.installFastBpe();
    this.installFastByteLevel(
      (this.tokenizer as unknown as { pre_tokenizer: HfByteLevel | null }).pre_tokenizer,
    );
  }

  /**
   * The library maps each pre-token to bytes with `Array.from(encode(token), ...).join('')`, which was
   * two thirds of the encode time; `toByteLevel` gives the same string without per-byte arrays. Only
   * for the configuration Qwen uses (regex done by a preceding Split, no prefix space).
   */
  private installFastByteLevel(node: HfByteLevel | null): void {
    if (!node) return;
    for (const child of node.tokenizers ?? []) this.installFastByteLevel(child);
    if (node.byte_encoder && node.pre_tokenize_text && node.use_regex === false && !node.add_prefix_space) {
      node.pre_tokenize_text = (text: string) => [toByteLevel(text)];
    }
  }

  /** Swaps the library's per-word merge loop for `FastBpe` (same results, checked against Rust). */
  private installFastBpe(): void {
    const model = (this.tokenizer as unknown as HfPipeline).model;
    const original = model.bpe?.bind(model);
    if (!original || !model.tokens_to_ids || !model.vocab || !Array.isArray(model.merges)) return;
    const fast = FastBpe.create(model.tokens_to_ids, model.merges, model.vocab);
    if (!fast) return;
    model.bpe = (token: string) => fast.bpe(token) ?? original(token);
  }

  encode(text: string, mode: SpecialTokenMode): EngineEncoding {
    if (mode === 'parse') {
      const { ids, tokens } = this.tokenizer.encode(text, { add_special_tokens: false });
      return { ids, tokens };
    }
    // Same pipeline as encode(), minus the added-token splitter: normalizer -> pre-tokenizer -> BPE.
    const pipeline = this.tokenizer as unknown as HfPipeline;
    const normalized = pipeline.normalizer ? pipeline.normalizer(text) : text;
    if (normalized.length === 0) return { ids: [], tokens: [] };
    const words = pipeline.pre_tokenizer ? pipeline.pre_tokenizer(normalized) : [normalized];
    const tokens = pipeline.model(words);
    const ids = tokens.map((t) => {
      const id = this.tokenizer.token_to_id(t);
      if (id === undefined) throw new Error(`BPE produced token ${JSON.stringify(t)} that has no id`);
      return id;
    });
    return { ids, tokens };
  }

  decode(ids: readonly number[], skipSpecialTokens: boolean): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], {
      skip_special_tokens: skipSpecialTokens,
      clean_up_tokenization_spaces: false,
    });
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }
}
