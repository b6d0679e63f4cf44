import { PNG } from 'pngjs';
import { writeFileAtomic } from './atomic.js';

/** Counts per bin of a histogram. */
export interface Histogram {
  readonly binSeconds: number;
  /** counts[i] = values in [i * binSeconds, (i + 1) * binSeconds); the last bin also takes everything above. */
  readonly counts: number[];
}

/** Bins shot lengths (seconds) like the paper's Fig. 7 (left). */
export function histogram(values: readonly number[], binSeconds = 5, maxSeconds = 60): Histogram {
  const bins = Math.ceil(maxSeconds / binSeconds);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(v / binSeconds)))]! += 1;
  return { binSeconds, counts };
}

// 3x5 digit glyphs for axis labels, one row per string, '#' = ink.
const DIGITS: Record<string, string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '###', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '..#', '..#', '..#'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '+': ['...', '.#.', '###', '.#.', '...'],
};

/**
 * Renders a histogram as a PNG bar chart: one bar per bin, bin start (seconds) under each bar, count
 * above each bar; 2x-scaled pixel digits so the file needs no font.
 * @returns the PNG bytes
 */
export function renderHistogramPng(
  h: Histogram,
  options: { barWidth?: number; height?: number } = {},
): Uint8Array {
  const barWidth = options.barWidth ?? 28;
  const plotHeight = options.height ?? 160;
  const margin = 24;
  const width = margin * 2 + h.counts.length * barWidth;
  const height = plotHeight + margin * 2;
  const png = new PNG({ width, height });
  png.data.fill(255);
  const set = (x: number, y: number, r: number, g: number, b: number): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (y * width + x) * 4;
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = 255;
  };
  const text = (s: string, x: number, y: number): void => {
    [...s].forEach((ch, k) => {
      const glyph = DIGITS[ch];
      if (!glyph) return;
      glyph.forEach((row, gy) => {
        [...row].forEach((c, gx) => {
          if (c !== '#') return;
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++) set(x + k * 8 + gx * 2 + dx, y + gy * 2 + dy, 40, 40, 40);
        });
      });
    });
  };
  const max = Math.max(1, ...h.counts);
  const baseline = margin + plotHeight;
  for (let x = margin - 2; x < width - margin + 2; x++) set(x, baseline, 0, 0, 0);
  h.counts.forEach((count, i) => {
    const barHeight = Math.round((count / max) * (plotHeight - 14));
    const x0 = margin + i * barWidth + 3;
    for (let x = x0; x < x0 + barWidth - 6; x++)
      for (let y = baseline - barHeight; y < baseline; y++) set(x, y, 66, 110, 200);
    if (count > 0) text(String(count), x0, baseline - barHeight - 12);
    const label = i === h.counts.length - 1 ? `${i * h.binSeconds}+` : String(i * h.binSeconds);
    text(label, x0, baseline + 4);
  });
  return PNG.sync.write(png);
}

/** Writes the histogram PNG atomically. */
export async function writeHistogramPng(filePath: string, h: Histogram): Promise<void> {
  await writeFileAtomic(filePath, renderHistogramPng(h));
}
