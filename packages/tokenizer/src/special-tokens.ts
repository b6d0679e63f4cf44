/**
 * The added tokens VideoLoom's prompts and answers use, by their text. Their ids are never written
 * down here: `TextTokenizer.specialTokenIds()` reads them from the loaded tokenizer files.
 */
export const VIDEOLOOM_TOKENS = {
  /** Opens one image / frame: `<img>` + k x `<IMG_CONTEXT>` + `</img>`. */
  imageStart: '<img>',
  imageEnd: '</img>',
  /** Placeholder whose embedding row is replaced by one visual token. */
  imageContext: '<IMG_CONTEXT>',
  /** The segmentation token: its last-layer hidden state prompts SAM2. */
  segmentation: '[SEG]',
  /** Chat turn delimiters (Qwen2.5). */
  turnStart: '<|im_start|>',
  turnEnd: '<|im_end|>',
  endOfText: '<|endoftext|>',
} as const;

/** Ids of {@link VIDEOLOOM_TOKENS} in one loaded tokenizer. */
export interface VideoLoomTokenIds {
  readonly imageStart: number;
  readonly imageEnd: number;
  readonly imageContext: number;
  readonly segmentation: number;
  readonly turnStart: number;
  readonly turnEnd: number;
  readonly endOfText: number;
}

/** One added token as declared in tokenizer.json. */
export interface AddedTokenInfo {
  readonly id: number;
  readonly content: string;
  /** Special tokens are dropped by `decode(ids, { skipSpecialTokens: true })`. */
  readonly special: boolean;
}
