import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import type { EngineEncoding, SpecialTokenMode, SyncTokenizerEngine } from './engine.js';

/** The internals of @huggingface/tokenizers' Tokenizer that the `split` mode calls (public fields, untyped). */
interface HfPipeline {
  normalizer: ((text: string) => string) | null;
  pre_tokenizer: ((text: string, options?: object) => string[]) | null;
  model: (tokens: string[]) => string[];
}

/** Pure-JS engine on @huggingface/tokenizers (the default: no native code, works everywhere). */
export class JsTokenizerEngine implements SyncTokenizerEngine {
  readonly name = 'js' as const;
  private readonly tokenizer: HfTokenizer;

  constructor(tokenizerJson: object, tokenizerConfig: object) {
    this.tokenizer = new HfTokenizer(tokenizerJson, tokenizerConfig);
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
