import fs from 'node:fs';
import path from 'node:path';
import { internVL3TokenizerDir, tinyTokenizerDir } from './assets.js';
import { JsTokenizerEngine } from './engine/js-engine.js';
import { TokenizerLoadError } from './errors/tokenizer-load-error.js';
import type { AddedTokenInfo } from './special-tokens.js';
import { TextTokenizer, type TokenizerOptions } from './tokenizer.js';

interface TokenizerJson {
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
  pre_tokenizer?: unknown;
  decoder?: { type?: string } | null;
  model?: { type?: string; vocab?: Record<string, number>; merges?: unknown[] };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new TokenizerLoadError(
      file,
      `it cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
      {
        cause: error,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TokenizerLoadError(file, `it is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
}

function hasByteLevel(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  const n = node as { type?: string; pretokenizers?: unknown[] };
  return n.type === 'ByteLevel' || (n.pretokenizers ?? []).some(hasByteLevel);
}

/**
 * Builds a tokenizer from parsed `tokenizer.json` / `tokenizer_config.json` objects.
 * @param source label used in errors (a path, or e.g. "in-memory")
 * @throws TokenizerLoadError when the JSON is not a byte-level BPE tokenizer
 */
export function tokenizerFromJson(
  tokenizerJson: unknown,
  tokenizerConfig: unknown,
  source: string,
  options: TokenizerOptions = {},
): TextTokenizer {
  const json = tokenizerJson as TokenizerJson;
  if (typeof json !== 'object' || json === null || json.model?.type !== 'BPE' || !json.model.vocab) {
    throw new TokenizerLoadError(
      source,
      `model.type is ${JSON.stringify(json?.model?.type)}; expected "BPE" with a vocab`,
    );
  }
  if (!hasByteLevel(json.pre_tokenizer) || json.decoder?.type !== 'ByteLevel') {
    throw new TokenizerLoadError(
      source,
      'the pre-tokenizer and decoder are not ByteLevel; expected a byte-level BPE',
    );
  }
  const config = (tokenizerConfig ?? {}) as { eos_token?: string | { content: string } };
  const addedTokens: AddedTokenInfo[] = (json.added_tokens ?? []).map((t) => ({
    id: t.id,
    content: t.content,
    special: t.special ?? false,
  }));
  const eos = typeof config.eos_token === 'string' ? config.eos_token : config.eos_token?.content;
  let engine: JsTokenizerEngine;
  try {
    engine = new JsTokenizerEngine(json, config);
  } catch (error) {
    throw new TokenizerLoadError(source, `the JS engine rejected it (${(error as Error).message})`, {
      cause: error,
    });
  }
  return new TextTokenizer(
    source,
    engine,
    JSON.stringify(json),
    addedTokens,
    Object.keys(json.model.vocab).length,
    eos,
    options,
  );
}

/**
 * Loads `tokenizer.json` (required) and `tokenizer_config.json` (optional) from a folder, as
 * Hugging Face checkpoints ship them. Fully offline.
 * @throws TokenizerLoadError naming the file that is missing or malformed
 */
export function loadTokenizer(dir: string, options: TokenizerOptions = {}): TextTokenizer {
  const tokenizerFile = path.join(dir, 'tokenizer.json');
  const configFile = path.join(dir, 'tokenizer_config.json');
  const json = readJson(tokenizerFile);
  const config = fs.existsSync(configFile) ? readJson(configFile) : {};
  return tokenizerFromJson(json, config, tokenizerFile, options);
}

/**
 * The InternVL3 tokenizer with VideoLoom's `[SEG]` (Qwen2.5 BPE; `<img>`..`</box>` at the ids InternVL
 * adds them, `[SEG]` next), from the files this package ships. Loading takes about a second and
 * ~100 MB: keep the instance.
 */
export function loadInternVL3Tokenizer(options: TokenizerOptions = {}): TextTokenizer {
  return loadTokenizer(internVL3TokenizerDir(), options);
}

/**
 * The tiny VideoLoom tokenizer (1,210 ids: 256 bytes, 947 merges for the synthetic benchmark's words
 * and the numbers 0..255, then `<|endoftext|> <|im_start|> <|im_end|> <img> </img> <IMG_CONTEXT> [SEG]`)
 * from the files this package ships. Same engine and API as the InternVL3 tokenizer; loads in
 * milliseconds.
 */
export function loadTinyTokenizer(options: TokenizerOptions = {}): TextTokenizer {
  return loadTokenizer(tinyTokenizerDir(), options);
}
