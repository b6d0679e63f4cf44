import type { RgbFrame } from '../video-source.js';
import { drawDigits, measureDigits, type RgbColor, type TextBox } from './draw-text.js';

export interface NumProOptions {
  /**
   * Height of the digits in pixels.
   * @defaultValue 7% of the frame height, at least 14 px (31 px at 448x448)
   */
  readonly digitHeight?: number;
  /** @defaultValue [255, 0, 0] (red, as in NumPro) */
  readonly color?: RgbColor;
  /** Dark outline so red digits stay legible on red or bright content. @defaultValue [0, 0, 0] */
  readonly outline?: RgbColor | null;
}

/**
 * NumPro visual prompt: writes `frameId` as a red number in the lower-left corner of a copy of the
 * frame (the input is not modified). Returns the new frame and where the number is.
 * @param frame rgb24 HWC
 */
export function drawFrameNumber(
  frame: RgbFrame,
  frameId: number,
  options: NumProOptions = {},
): { readonly frame: RgbFrame; readonly box: TextBox } {
  const digitHeight = options.digitHeight ?? Math.max(14, Math.round(frame.height * 0.07));
  const scale = Math.max(1, Math.round(digitHeight / 7));
  const text = String(Math.trunc(frameId));
  const size = measureDigits(text, scale);
  const margin = 2 * scale;
  const out = { width: frame.width, height: frame.height, data: frame.data.slice() };
  const outline = options.outline === null ? undefined : (options.outline ?? ([0, 0, 0] as const));
  const box = drawDigits(out, text, margin, frame.height - margin - size.height, {
    scale,
    color: options.color ?? [255, 0, 0],
    ...(outline ? { outline } : {}),
  });
  return { frame: out, box };
}
