import { fileURLToPath } from 'node:url';

/**
 * Folder of the InternVL3 (+ `[SEG]`) tokenizer files this package ships: `tokenizer.json`,
 * `tokenizer_config.json`, `SHA256SUMS`. Kept at the top of src/ so the relative path is the same from
 * src/ (tests) and from the bundled dist/index.js.
 */
export function internVL3TokenizerDir(): string {
  return fileURLToPath(new URL('../assets/internvl3/', import.meta.url));
}

/**
 * Folder of the tiny VideoLoom tokenizer files this package ships (`tokenizer.json`,
 * `tokenizer_config.json`, `SHA256SUMS`): a byte-level BPE of 1,235 ids made for the synthetic
 * benchmark (every word of its text, and every number 0..255, is one token; VideoLoom's added tokens
 * follow the regular ones). Point a tiny checkpoint's config here; `loadTokenizer(tinyTokenizerDir())`
 * or `loadTinyTokenizer()` loads it. Built by `tools/tokenizer/build-tiny-tokenizer.mjs`.
 */
export function tinyTokenizerDir(): string {
  return fileURLToPath(new URL('../assets/videoloom-tiny/', import.meta.url));
}
