import type { DecodeOptions, TextTokenizer } from './tokenizer.js';

/**
 * Decodes generated ids one at a time into text pieces that never split a character: a token that
 * holds only part of a character's UTF-8 bytes (emoji, rare CJK) is held back until the character is
 * complete. The concatenated pieces (after `flush`) equal `tokenizer.decode(allIds)`.
 *
 * Works on a sliding window (the ids since the last emitted piece, plus a few before it for context), so
 * each step decodes a handful of ids, not the whole answer.
 */
export class IncrementalDecoder {
  private readonly ids: number[] = [];
  /** Start of the window of ids re-decoded at each step. */
  private windowStart = 0;
  /** Ids in [windowStart, emittedEnd) have been emitted. */
  private emittedEnd = 0;

  constructor(
    private readonly tokenizer: TextTokenizer,
    private readonly options: DecodeOptions = {},
  ) {}

  /** Adds one generated id; returns the text it completes ("" while a character is still incomplete). */
  push(id: number): string {
    this.ids.push(id);
    const before = this.tokenizer.decode(this.ids.slice(this.windowStart, this.emittedEnd), this.options);
    const after = this.tokenizer.decode(this.ids.slice(this.windowStart), this.options);
    // U+FFFD at the end means the last bytes do not form a character yet: wait for more ids.
    if (after.endsWith('\uFFFD') || !after.startsWith(before)) return '';
    this.windowStart = this.emittedEnd;
    this.emittedEnd = this.ids.length;
    return after.slice(before.length);
  }

  /** Emits whatever is left (an incomplete character decodes to U+FFFD, as in `decode`). */
  flush(): string {
    const before = this.tokenizer.decode(this.ids.slice(this.windowStart, this.emittedEnd), this.options);
    const after = this.tokenizer.decode(this.ids.slice(this.windowStart), this.options);
    this.windowStart = this.emittedEnd = this.ids.length;
    return after.startsWith(before) ? after.slice(before.length) : after;
  }
}
