import { FrameSelectionError, InvalidFrameSizeError } from '../errors/index.js';
import type { RgbFrame } from '../video-source.js';
import type { RgbColor } from './draw-text.js';

export interface MaskOverlayOptions {
  /**
   * Tints the mask's pixels: `out = round((1 - alpha) * in + alpha * color)` per channel, `alpha` in
   * [0, 1]. Undefined for no fill.
   */
  readonly fill?: { readonly color: RgbColor; readonly alpha: number };
  /**
   * Draws the mask's boundary (mask pixels with a 4-neighbour outside the mask or the frame) in a solid
   * colour, after the fill. Undefined for no outline.
   */
  readonly outline?: {
    readonly color: RgbColor;
    /** Line width in pixels, centred on the boundary pixels. @defaultValue 2 */
    readonly width?: number;
  };
}

/** What {@link drawMaskOverlay} found in the mask. */
export interface MaskOverlayResult {
  /** Mask pixels (non-zero). */
  readonly area: number;
  /** Boundary pixels of the mask (before the line width is applied). */
  readonly boundaryPixelCount: number;
}

/**
 * Row-major indices (y * width + x) of the boundary pixels of a mask: mask pixels with a 4-neighbour
 * outside the mask or outside the frame. In row-major order.
 * @param mask uint8 [height * width], row-major, non-zero = inside
 */
export function maskBoundary(mask: Uint8Array, width: number, height: number): number[] {
  const inside = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] !== 0;
  const boundary: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside(x, y)) continue;
      if (!inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1))
        boundary.push(y * width + x);
    }
  }
  return boundary;
}

/** Paints a `lineWidth`-pixel square around each boundary pixel, in place (clipped to the frame). */
export function strokeBoundary(
  frame: RgbFrame,
  boundary: readonly number[],
  color: RgbColor,
  lineWidth: number,
): void {
  const { width, height } = frame;
  const half = lineWidth >> 1;
  for (const p of boundary) {
    const bx = p % width;
    const by = (p - bx) / width;
    for (let dy = -half; dy < lineWidth - half; dy++) {
      for (let dx = -half; dx < lineWidth - half; dx++) {
        const x = bx + dx;
        const y = by + dy;
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        const o = (y * width + x) * 3;
        frame.data[o] = color[0];
        frame.data[o + 1] = color[1];
        frame.data[o + 2] = color[2];
      }
    }
  }
}

/**
 * Overlays a binary mask on a frame, in place: a translucent fill over the mask's pixels and/or a solid
 * outline along its boundary (for instance a predicted mask filled in one colour and the true mask
 * outlined in another). Pixels away from the mask and its outline are left untouched.
 * @param frame rgb24 HWC [height, width, 3], modified in place
 * @param mask uint8 [height * width], row-major, non-zero = inside; the frame's size
 * @throws InvalidFrameSizeError when the mask is not the frame's size
 * @throws FrameSelectionError when `fill.alpha` is outside [0, 1] or the outline width is not a positive integer
 */
export function drawMaskOverlay(
  frame: RgbFrame,
  mask: Uint8Array,
  options: MaskOverlayOptions,
): MaskOverlayResult {
  const { width, height } = frame;
  if (mask.length !== width * height) {
    throw new InvalidFrameSizeError(
      'overlay mask',
      `${mask.length} pixels`,
      `${width}x${height} = ${width * height}`,
    );
  }
  const { fill, outline } = options;
  if (fill && !(fill.alpha >= 0 && fill.alpha <= 1))
    throw new FrameSelectionError(
      'overlay mask',
      Number.NaN,
      `a fill alpha in [0, 1], received ${fill.alpha}`,
    );
  const lineWidth = outline?.width ?? 2;
  if (outline && !(Number.isInteger(lineWidth) && lineWidth >= 1))
    throw new FrameSelectionError(
      'overlay mask',
      Number.NaN,
      `a positive integer outline width, received ${lineWidth}`,
    );
  let area = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    area++;
    if (!fill) continue;
    const o = i * 3;
    for (let c = 0; c < 3; c++)
      frame.data[o + c] = Math.round((1 - fill.alpha) * frame.data[o + c]! + fill.alpha * fill.color[c]!);
  }
  const boundary = area > 0 ? maskBoundary(mask, width, height) : [];
  if (outline) strokeBoundary(frame, boundary, outline.color, lineWidth);
  return { area, boundaryPixelCount: boundary.length };
}
