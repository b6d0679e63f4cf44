/**
 * A 5x7 bitmap font for the digits 0-9, drawn for this project. Each glyph is 7 rows of 5 bits
 * (most significant bit = leftmost column).
 */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

const GLYPHS: Record<string, readonly number[]> = {
  '0': [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
  '1': [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
  '2': [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
  '3': [0b11110, 0b00001, 0b00001, 0b01110, 0b00001, 0b00001, 0b11110],
  '4': [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
  '5': [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
  '6': [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
  '7': [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
  '8': [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
  '9': [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
};

/** True when glyph `character` has its pixel (column, row) set. Unknown characters are blank. */
export function glyphPixel(character: string, column: number, row: number): boolean {
  const bits = GLYPHS[character]?.[row];
  return (
    bits !== undefined &&
    column >= 0 &&
    column < GLYPH_WIDTH &&
    ((bits >> (GLYPH_WIDTH - 1 - column)) & 1) === 1
  );
}

/** The characters the font can draw. */
export const DRAWABLE_CHARACTERS = Object.keys(GLYPHS).join('');
