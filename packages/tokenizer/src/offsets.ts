/**
 * Character offsets of byte-level BPE tokens, computed from the tokens themselves so that every engine
 * (pure JS or native) reports the same offsets.
 *
 * Offsets are UTF-16 code-unit positions `[start, end)` into the text the caller passed (JavaScript's
 * `string.slice` units). A token that holds only part of a character's UTF-8 bytes (emoji and rare
 * CJK characters are often split into 2-3 tokens) gets the span of the whole character, so several
 * tokens can share one span.
 */

/** GPT-2's byte -> printable character table used by byte-level BPE (the `Ġ` for space etc.). */
function byteLevelAlphabet(): Map<string, number> {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const charToByte = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (printable.includes(b)) charToByte.set(String.fromCharCode(b), b);
    else charToByte.set(String.fromCharCode(256 + extra++), b);
  }
  return charToByte;
}

const CHAR_TO_BYTE = byteLevelAlphabet();

/** byte -> its byte-level character (the inverse table). */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const table = new Array<string>(256);
  for (const [ch, byte] of CHAR_TO_BYTE) table[byte] = ch;
  return table;
})();

const encoder = new TextEncoder();

/** Maps text to its byte-level string (UTF-8 bytes as printable characters), without per-byte arrays. */
export function toByteLevel(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out += BYTE_TO_CHAR[code];
      continue;
    }
    // From the first non-ASCII character on, encode the rest at once (same bytes as encoding the whole text).
    for (const byte of encoder.encode(text.slice(i))) out += BYTE_TO_CHAR[byte];
    break;
  }
  return out;
}

/** Number of UTF-8 bytes a byte-level token stands for, or undefined when it is not a byte-level string. */
export function byteLevelTokenByteLength(token: string): number | undefined {
  for (const ch of token) if (!CHAR_TO_BYTE.has(ch)) return undefined;
  return token.length;
}

/** Decodes one byte-level token string to its raw bytes (for `tokenBytes` / streaming decode). */
export function byteLevelTokenBytes(token: string): Uint8Array | undefined {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token[i]!);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** For each UTF-8 byte of `text`, the UTF-16 span of the character it belongs to. */
function byteToCharSpans(text: string): { starts: Int32Array; ends: Int32Array } {
  const bytes: Array<[number, number]> = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    for (let k = 0; k < utf8Length(cp); k++) bytes.push([i, i + units]);
    i += units;
  }
  const starts = new Int32Array(bytes.length);
  const ends = new Int32Array(bytes.length);
  bytes.forEach(([s, e], k) => {
    starts[k] = s;
    ends[k] = e;
  });
  return { starts, ends };
}

/**
 * Splits `original` into NFC-independent segments (a starter character plus the combining marks after
 * it) and returns, for each UTF-16 position of `NFC(original)`, the original span it came from.
 * Returns undefined when per-segment NFC does not reproduce whole-text NFC (rare: Hangul jamo
 * sequences); callers then fall back to whole-text spans.
 */
function normalizedToOriginal(
  original: string,
  normalized: string,
): { starts: Int32Array; ends: Int32Array } | undefined {
  const starts = new Int32Array(normalized.length);
  const ends = new Int32Array(normalized.length);
  const segmentRe = /\P{M}\p{M}*|\p{M}+/gu;
  let pos = 0;
  for (const match of original.matchAll(segmentRe)) {
    const piece = match[0].normalize('NFC');
    if (normalized.slice(pos, pos + piece.length) !== piece) return undefined;
    for (let k = 0; k < piece.length; k++) {
      starts[pos + k] = match.index;
      ends[pos + k] = match.index + match[0].length;
    }
    pos += piece.length;
  }
  return pos === normalized.length ? { starts, ends } : undefined;
}

/** One token's span in the caller's text: `text.slice(start, end)`. */
export interface TokenOffset {
  readonly start: number;
  readonly end: number;
}

/**
 * Offsets of `tokens` (byte-level strings or added-token contents) in `text`.
 * @param tokens token strings in order, as the engine produced them for `text`
 * @param isAddedToken true for tokens matched as added tokens (their content is literal text, not byte-level)
 */
export function computeOffsets(
  text: string,
  tokens: readonly string[],
  isAddedToken: (token: string) => boolean,
): TokenOffset[] {
  const normalized = text.normalize('NFC');
  const map = normalized === text ? undefined : normalizedToOriginal(text, normalized);
  const spans = byteToCharSpans(normalized);
  const total = spans.starts.length;
  const offsets: TokenOffset[] = [];
  let byte = 0;
  for (const token of tokens) {
    const length = isAddedToken(token)
      ? new TextEncoder().encode(token).length
      : (byteLevelTokenByteLength(token) ?? new TextEncoder().encode(token).length);
    const first = Math.min(byte, total - 1);
    const last = Math.min(byte + length - 1, total - 1);
    byte += length;
    if (total === 0 || length === 0) {
      offsets.push({ start: 0, end: 0 });
      continue;
    }
    let start = spans.starts[first]!;
    let end = spans.ends[last]!;
    if (normalized !== text) {
      if (map) {
        start = map.starts[start] ?? text.length;
        end = map.ends[end - 1] ?? text.length;
      } else {
        start = 0;
        end = text.length;
      }
    }
    offsets.push({ start, end });
  }
  return offsets;
}
