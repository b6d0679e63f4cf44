import { fileURLToPath } from 'node:url';

/**
 * Folder of the InternVL3 (+ `[SEG]`) tokenizer files this package ships: `tokenizer.json`,
 * `tokenizer_config.json`, `SHA256SUMS`. Kept at the top of src/ so the relative path is the same from
 * src/ (tests) and from the bundled dist/index.js.
 */
export function internVL3TokenizerDir(): string {
  return fileURLToPath(new URL('../assets/internvl3/', import.meta.url));
}
