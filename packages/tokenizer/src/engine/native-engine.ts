import { EngineUnavailableError } from '../errors/engine-unavailable-error.js';
import type { AsyncTokenizerEngine, EngineEncoding, SpecialTokenMode } from './engine.js';

/** The parts of @anush008/tokenizers we use (typed here so the package builds without it installed). */
interface NativeEncoding {
  getIds(): number[];
  getTokens(): string[];
}
interface NativeTokenizer {
  encode(text: string, pair?: null, options?: { addSpecialTokens?: boolean }): Promise<NativeEncoding>;
  encodeBatch(texts: string[], options?: { addSpecialTokens?: boolean }): Promise<NativeEncoding[]>;
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
}
interface NativeModule {
  Tokenizer: { fromString(json: string): NativeTokenizer };
}

export const NATIVE_ENGINE_PACKAGE = '@anush008/tokenizers';

/** Loads the native module, or explains why not. Never throws: the caller decides whether absence is an error. */
export async function probeNativeEngine(): Promise<
  { available: true; module: NativeModule } | { available: false; reason: string }
> {
  try {
    // A variable specifier keeps bundlers from resolving the optional package at build time.
    const specifier: string = NATIVE_ENGINE_PACKAGE;
    const loaded = (await import(specifier)) as NativeModule & { default?: NativeModule };
    const module = loaded.Tokenizer ? loaded : loaded.default;
    if (!module?.Tokenizer)
      return { available: false, reason: `${NATIVE_ENGINE_PACKAGE} has no Tokenizer export` };
    return { available: true, module };
  } catch (error) {
    return {
      available: false,
      reason: `${NATIVE_ENGINE_PACKAGE} could not be loaded (${(error as Error).message})`,
    };
  }
}

function toEncoding(e: NativeEncoding): EngineEncoding {
  return { ids: e.getIds(), tokens: e.getTokens() };
}

/**
 * Native engine: the Rust `tokenizers` library through its Node binding. Asynchronous (the binding
 * runs encodes off the JS thread). The `split` mode uses a second tokenizer built from the same JSON
 * with no added tokens, so added-token strings are plain BPE text.
 */
export class NativeTokenizerEngine implements AsyncTokenizerEngine {
  readonly name = 'native' as const;
  private splitTokenizer: NativeTokenizer | undefined;

  private constructor(
    private readonly module: NativeModule,
    private readonly tokenizer: NativeTokenizer,
    private readonly tokenizerJson: Record<string, unknown>,
  ) {}

  /** @throws EngineUnavailableError when @anush008/tokenizers is not installed or cannot load */
  static async create(tokenizerJsonText: string): Promise<NativeTokenizerEngine> {
    const probe = await probeNativeEngine();
    if (!probe.available) throw new EngineUnavailableError('native', probe.reason);
    return new NativeTokenizerEngine(
      probe.module,
      probe.module.Tokenizer.fromString(tokenizerJsonText),
      JSON.parse(tokenizerJsonText) as Record<string, unknown>,
    );
  }

  private forMode(mode: SpecialTokenMode): NativeTokenizer {
    if (mode === 'parse') return this.tokenizer;
    this.splitTokenizer ??= this.module.Tokenizer.fromString(
      JSON.stringify({ ...this.tokenizerJson, added_tokens: [] }),
    );
    return this.splitTokenizer;
  }

  async encode(text: string, mode: SpecialTokenMode): Promise<EngineEncoding> {
    return toEncoding(await this.forMode(mode).encode(text, null, { addSpecialTokens: false }));
  }

  async encodeBatch(texts: readonly string[], mode: SpecialTokenMode): Promise<EngineEncoding[]> {
    const encodings = await this.forMode(mode).encodeBatch([...texts], { addSpecialTokens: false });
    return encodings.map(toEncoding);
  }

  async decode(ids: readonly number[], skipSpecialTokens: boolean): Promise<string> {
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], skipSpecialTokens);
  }
}
