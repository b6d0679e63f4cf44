import { FrameSelectionError } from '../errors/index.js';
import type { RgbFrame } from '../video-source.js';
import { DRAWABLE_CHARACTERS, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font-5x7.js';

export type RgbColor = readonly [number, number, number];

/** Where a text was drawn, in pixels of the frame (before clipping to it). */
export interface TextBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface DrawTextOptions {
  /** Pixels per font pixel. */
  readonly scale: number;
  readonly color: RgbColor;
  /** Outline of one font pixel drawn around the glyphs for contrast; undefined for none. */
  readonly outline?: RgbColor;
  /** Filled box behind the text (padding of one font pixel); undefined for none. */
  readonly background?: RgbColor;
}

/** Options of {@link drawDigits} (the same as {@link drawText}). */
export type DrawDigitsOptions = DrawTextOptions;

/** Size of a one-line text in pixels: glyphs 5x7 font pixels with one font pixel between them. */
export function measureText(
  text: string,
  scale: number,
): { readonly width: number; readonly height: number } {
  return { width: Math.max(0, text.length * (GLYPH_WIDTH + 1) - 1) * scale, height: GLYPH_HEIGHT * scale };
}

/** Size of a digit string in pixels (the same metrics as {@link measureText}). */
export const measureDigits = measureText;

const DRAWABLE = new Set(DRAWABLE_CHARACTERS);

/**
 * Draws one line of printable ASCII (space to `~`, the characters of `DRAWABLE_CHARACTERS`) into an
 * rgb24 frame, in place, with its top-left corner at (left, top). Pixels outside the text box (plus
 * one font pixel of outline/background) are never written; parts outside the frame are clipped.
 * @param frame rgb24 HWC, modified in place
 * @throws FrameSelectionError naming the first character the font cannot draw (a newline, a tab,
 *   anything outside ASCII): replace those before drawing.
 */
export function drawText(
  frame: RgbFrame,
  text: string,
  left: number,
  top: number,
  options: DrawTextOptions,
): TextBox {
  for (const character of text) {
    if (!DRAWABLE.has(character)) {
      throw new FrameSelectionError(
        'overlay text',
        Number.NaN,
        `printable ASCII (space to ~), received ${JSON.stringify(character)} in ${JSON.stringify(text)}`,
      );
    }
  }
  const { scale } = options;
  const { width, height } = measureText(text, scale);
  const set = (x: number, y: number, color: RgbColor) => {
    if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) return;
    const o = (y * frame.width + x) * 3;
    frame.data[o] = color[0];
    frame.data[o + 1] = color[1];
    frame.data[o + 2] = color[2];
  };
  // Font-pixel grid: column c of the text, row r. Glyph k occupies columns k*6 .. k*6+4.
  const inText = (c: number, r: number) => {
    if (r < 0 || r >= GLYPH_HEIGHT || c < 0) return false;
    const k = Math.floor(c / (GLYPH_WIDTH + 1));
    const column = c % (GLYPH_WIDTH + 1);
    return k < text.length && glyphPixel(text[k]!, column, r);
  };
  const columns = text.length * (GLYPH_WIDTH + 1) - 1;
  const fill = (c: number, r: number, color: RgbColor) => {
    for (let dy = 0; dy < scale; dy++)
      for (let dx = 0; dx < scale; dx++) set(left + c * scale + dx, top + r * scale + dy, color);
  };
  for (let r = -1; r <= GLYPH_HEIGHT; r++) {
    for (let c = -1; c <= columns; c++) {
      if (inText(c, r)) fill(c, r, options.color);
      else if (options.outline && [-1, 0, 1].some((dr) => [-1, 0, 1].some((dc) => inText(c + dc, r + dr)))) {
        fill(c, r, options.outline);
      } else if (options.background) fill(c, r, options.background);
    }
  }
  return { left, top, width, height };
}

/**
 * Draws decimal digits into a frame, in place, with its top-left corner at (left, top) (frame numbers,
 * mark ids): {@link drawText} restricted to `0-9`.
 * @param frame rgb24 HWC, modified in place
 */
export function drawDigits(
  frame: RgbFrame,
  text: string,
  left: number,
  top: number,
  options: DrawDigitsOptions,
): TextBox {
  if (!/^\d+$/.test(text))
    throw new FrameSelectionError('overlay text', Number.NaN, `decimal digits, received "${text}"`);
  return drawText(frame, text, left, top, options);
}
