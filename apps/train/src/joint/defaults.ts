import type { MaskModelIo } from './train-run.js';

/** The tokenizer a run uses when none is given. */
export function defaultTokenizerDir(): string {
  const dir = process.env.VIDEOLOOM_TINY_TOKENIZER;
  if (!dir) throw new Error('set VIDEOLOOM_TINY_TOKENIZER (temporary)');
  return dir;
}

/** The trainable tiny SAM2 of sam2-bridge (null until wired). */
export function defaultMaskModelIo(): MaskModelIo | null {
  return null;
}
