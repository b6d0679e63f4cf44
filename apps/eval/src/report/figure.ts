import type { BinaryMask } from '@videoloom/metrics';
import { drawMaskOverlay, drawText, measureText, type RgbColor, type RgbFrame } from '@videoloom/video-io';

/** Colours of the qualitative figures (also what the tests look for). */
export const FIGURE_COLORS = {
  /** True mask outline and true span band. */
  truth: [0, 255, 0] as RgbColor,
  /** Predicted mask fill (blended by `predictionAlpha`) and predicted span band. */
  prediction: [255, 0, 255] as RgbColor,
  predictionAlpha: 0.45,
  background: [255, 255, 255] as RgbColor,
  text: [0, 0, 0] as RgbColor,
  timeline: [225, 225, 225] as RgbColor,
  tick: [0, 0, 0] as RgbColor,
} as const;

/** One frame of the strip: the decoded image and the masks to draw on it (any size: scaled to fit). */
export interface FigureFrame {
  /** rgb24 HWC, the tile as decoded (all tiles the same size). */
  readonly image: RgbFrame;
  readonly timeSeconds: number;
  /** Drawn as an outline in `FIGURE_COLORS.truth`; null/undefined for none. */
  readonly truth?: BinaryMask | null;
  /** Drawn as a translucent fill in `FIGURE_COLORS.prediction`; null/undefined for none. */
  readonly prediction?: BinaryMask | null;
}

export interface FigureInput {
  /** First line (bold-free, scale of the title text). */
  readonly heading: string;
  readonly question: string;
  readonly answer: string;
  readonly frames: readonly FigureFrame[];
  readonly durationSeconds: number;
  /** Bands on the timeline, seconds; null for none (e.g. a prediction that gave no span). */
  readonly truthSpan: readonly [number, number] | null;
  readonly predictedSpan: readonly [number, number] | null;
  /** What the spans are, printed in the legend: "answer span" or "mask foreground". */
  readonly spanCaption: string;
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface FigureLayout {
  readonly tiles: readonly Box[];
  /** The timeline bar (ticks extend 3 px above and below it). */
  readonly timeline: Box;
  /** x of each frame's tick on the timeline, in strip order. */
  readonly tickX: readonly number[];
}

const MARGIN = 8;
const GAP = 4;
const BAR_HEIGHT = 24;

/** Replaces what the 5x7 font cannot draw: accents stripped, typographic quotes/dashes mapped, rest '?'. */
export function toDrawableText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u201a\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** Greedy word wrap to lines of at most `maxChars` characters; longer words are cut. */
export function wrapText(text: string, maxChars: number): string[] {
  const width = Math.max(1, Math.floor(maxChars));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    let rest = word;
    while (rest.length > 0) {
      const room = line.length === 0 ? width : width - line.length - 1;
      if (rest.length <= room) {
        line = line.length === 0 ? rest : `${line} ${rest}`;
        rest = '';
      } else if (line.length > 0) {
        lines.push(line);
        line = '';
      } else {
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
    }
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Nearest-neighbour resize of a binary mask to `width` x `height`.
 * @returns uint8 [height * width] row-major, 1 inside
 */
export function scaleMask(mask: BinaryMask, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  if (mask.width === width && mask.height === height) {
    for (let i = 0; i < out.length; i++) out[i] = mask.data[i] ? 1 : 0;
    return out;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width));
      out[y * width + x] = mask.data[sy * mask.width + sx] ? 1 : 0;
    }
  }
  return out;
}

function fillRect(frame: RgbFrame, box: Box, color: RgbColor): void {
  const x0 = Math.max(0, Math.floor(box.left));
  const y0 = Math.max(0, Math.floor(box.top));
  const x1 = Math.min(frame.width, Math.floor(box.left + box.width));
  const y1 = Math.min(frame.height, Math.floor(box.top + box.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * frame.width + x) * 3;
      frame.data[o] = color[0];
      frame.data[o + 1] = color[1];
      frame.data[o + 2] = color[2];
    }
  }
}

const seconds = (t: number) => `${t.toFixed(2)}s`;

/**
 * Renders a qualitative example: a title (heading, question, answer), a strip of frames with the
 * predicted mask filled and the true mask outlined, each frame's time under it, and a timeline with
 * the true and predicted spans and a tick per frame.
 * @returns rgb24 HWC image and where its parts are
 */
export function renderFigure(input: FigureInput): {
  readonly image: RgbFrame;
  readonly layout: FigureLayout;
} {
  const first = input.frames[0];
  const tileWidth = first?.image.width ?? 160;
  const tileHeight = first?.image.height ?? 0;
  const k = input.frames.length;
  const width = Math.max(360, 2 * MARGIN + k * tileWidth + Math.max(0, k - 1) * GAP);
  const scale = width >= 600 ? 2 : 1;
  const lineHeight = 9 * scale;
  const maxChars = Math.floor((width - 2 * MARGIN + scale) / (6 * scale));
  const lines = [
    ...wrapText(toDrawableText(input.heading), maxChars),
    ...wrapText(toDrawableText(`Q: ${input.question}`), maxChars),
    ...wrapText(toDrawableText(`A: ${input.answer}`), maxChars),
  ];
  const stripTop = MARGIN + lines.length * lineHeight + GAP;
  const timeLabelTop = stripTop + tileHeight + 2;
  const barTop = timeLabelTop + 10 + 8;
  const axisTop = barTop + BAR_HEIGHT + 5;
  const legendTop = axisTop + 11;
  const height = legendTop + 24 + MARGIN;
  const image: RgbFrame = { width, height, data: new Uint8Array(width * height * 3) };
  fillRect(image, { left: 0, top: 0, width, height }, FIGURE_COLORS.background);
  lines.forEach((line, i) => {
    drawText(image, line, MARGIN, MARGIN + i * lineHeight, { scale, color: FIGURE_COLORS.text });
  });
  const tiles: Box[] = [];
  input.frames.forEach((f, i) => {
    const left = MARGIN + i * (tileWidth + GAP);
    const tile: RgbFrame = { width: f.image.width, height: f.image.height, data: f.image.data.slice() };
    if (f.prediction)
      drawMaskOverlay(tile, scaleMask(f.prediction, tile.width, tile.height), {
        fill: { color: FIGURE_COLORS.prediction, alpha: FIGURE_COLORS.predictionAlpha },
      });
    if (f.truth)
      drawMaskOverlay(tile, scaleMask(f.truth, tile.width, tile.height), {
        outline: { color: FIGURE_COLORS.truth, width: tile.height >= 200 ? 2 : 1 },
      });
    for (let y = 0; y < tile.height; y++) {
      const o = ((stripTop + y) * width + left) * 3;
      image.data.set(tile.data.subarray(y * tile.width * 3, (y + 1) * tile.width * 3), o);
    }
    tiles.push({ left, top: stripTop, width: tile.width, height: tile.height });
    const label = seconds(f.timeSeconds);
    if (measureText(label, 1).width <= tile.width + GAP)
      drawText(image, label, left, timeLabelTop, { scale: 1, color: FIGURE_COLORS.text });
  });
  const bar: Box = { left: MARGIN, top: barTop, width: width - 2 * MARGIN, height: BAR_HEIGHT };
  fillRect(image, bar, FIGURE_COLORS.timeline);
  const d = input.durationSeconds > 0 ? input.durationSeconds : 1;
  const xOf = (t: number) => bar.left + Math.round((Math.min(Math.max(t, 0), d) / d) * (bar.width - 1));
  const band = (span: readonly [number, number] | null, top: number, color: RgbColor) => {
    if (!span) return;
    const x0 = xOf(Math.min(span[0], span[1]));
    const x1 = xOf(Math.max(span[0], span[1]));
    fillRect(image, { left: x0, top, width: Math.max(1, x1 - x0 + 1), height: 9 }, color);
  };
  band(input.truthSpan, barTop + 2, FIGURE_COLORS.truth);
  band(input.predictedSpan, barTop + 13, FIGURE_COLORS.prediction);
  const tickX = input.frames.map((f) => xOf(f.timeSeconds));
  for (const x of tickX)
    fillRect(image, { left: x, top: barTop - 3, width: 1, height: BAR_HEIGHT + 6 }, FIGURE_COLORS.tick);
  drawText(image, '0s', bar.left, axisTop, { scale: 1, color: FIGURE_COLORS.text });
  const end = seconds(input.durationSeconds);
  drawText(image, end, bar.left + bar.width - measureText(end, 1).width, axisTop, {
    scale: 1,
    color: FIGURE_COLORS.text,
  });
  const legend = (row: number, color: RgbColor, text: string) => {
    fillRect(image, { left: MARGIN, top: legendTop + row * 12, width: 9, height: 9 }, color);
    drawText(image, text, MARGIN + 13, legendTop + row * 12 + 1, { scale: 1, color: FIGURE_COLORS.text });
  };
  legend(0, FIGURE_COLORS.truth, `truth: mask outline; ${input.spanCaption} (upper band)`);
  legend(1, FIGURE_COLORS.prediction, `prediction: mask fill; ${input.spanCaption} (lower band)`);
  return { image, layout: { tiles, timeline: bar, tickX } };
}
