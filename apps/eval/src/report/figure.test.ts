import { emptyMask } from '@videoloom/metrics';
import { describe, expect, it } from 'vitest';
import { selectExamples } from './examples.js';
import { FIGURE_COLORS, renderFigure, scaleMask, toDrawableText, wrapText } from './figure.js';
import type { ReportPerItem } from './loombench-report.js';
import { formatTableMarkdown, formatTableText } from './tables.js';

const item = (id: string, score: number): ReportPerItem => ({ id, task: 'when', tIoU: score, score });

describe('example selection', () => {
  const items = [item('e', 0.2), item('a', 0.9), item('c', 0.5), item('b', 0.5), item('d', 0.1)];
  it('best, median, worst for 3; ties by id; the same every time', () => {
    // sorted: a 0.9, b 0.5, c 0.5, e 0.2, d 0.1
    expect(selectExamples(items, 3).map((s) => [s.name, s.item.id, s.rank, s.of])).toEqual([
      ['best', 'a', 1, 5],
      ['median', 'c', 3, 5],
      ['worst', 'd', 5, 5],
    ]);
    expect(selectExamples([...items].reverse(), 3)).toEqual(selectExamples(items, 3));
  });
  it('1 gives the median, more than the items gives each once, 0 gives none', () => {
    expect(selectExamples(items, 1).map((s) => [s.name, s.item.id])).toEqual([['median', 'c']]);
    expect(selectExamples(items, 9).map((s) => s.item.id)).toEqual(['a', 'b', 'c', 'e', 'd']);
    expect(selectExamples(items, 4).map((s) => s.name)).toEqual(['best', 'p25', 'p75', 'worst']);
    expect(selectExamples(items, 0)).toEqual([]);
  });
});

describe('figure text', () => {
  it('wraps at word boundaries and cuts words longer than a line', () => {
    expect(wrapText('Where is the red fox when it jumps?', 12)).toEqual([
      'Where is the',
      'red fox when',
      'it jumps?',
    ]);
    expect(wrapText('abcdefghij xy', 4)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
    expect(wrapText('', 10)).toEqual(['']);
  });
  it('maps what the 5x7 font cannot draw', () => {
    expect(toDrawableText('Caf\u00e9 \u201cquoted\u201d \u2013 it\u2019s\u2026\tok \u4e2d')).toBe(
      'Cafe "quoted" - it\'s... ok ?',
    );
  });
});

describe('renderFigure', () => {
  it('draws the strip, the spans on the timeline and one tick per frame', () => {
    const tile = (level: number) => ({
      width: 40,
      height: 30,
      data: new Uint8Array(40 * 30 * 3).fill(level),
    });
    const truth = emptyMask(20, 15); // half resolution: scaled 2x (nearest) onto the tile
    for (let y = 5; y < 10; y++) for (let x = 5; x < 10; x++) truth.data[y * 20 + x] = 1;
    const { image, layout } = renderFigure({
      heading: 'h',
      question: 'q',
      answer: 'a',
      frames: [
        { image: tile(100), timeSeconds: 0, truth, prediction: truth },
        { image: tile(100), timeSeconds: 5, truth: null, prediction: null },
        { image: tile(100), timeSeconds: 10, truth: null, prediction: null },
      ],
      durationSeconds: 10,
      truthSpan: [0, 5],
      predictedSpan: [5, 10],
      spanCaption: 'answer span',
    });
    const at = (x: number, y: number) =>
      Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));
    const t0 = layout.tiles[0] as { left: number; top: number };
    expect(at(t0.left + 10, t0.top + 10)).toEqual([...FIGURE_COLORS.truth]); // outline at the scaled corner
    const a = FIGURE_COLORS.predictionAlpha;
    expect(at(t0.left + 14, t0.top + 14)).toEqual(
      FIGURE_COLORS.prediction.map((c) => Math.round((1 - a) * 100 + a * c)),
    );
    expect(at(t0.left + 30, t0.top + 25)).toEqual([100, 100, 100]);
    const bar = layout.timeline;
    expect(layout.tickX).toEqual([
      bar.left,
      bar.left + Math.round((bar.width - 1) / 2),
      bar.left + bar.width - 1,
    ]);
    // truth band on the first half (upper), prediction on the second half (lower); ticks in black
    expect(at(bar.left + 20, bar.top + 5)).toEqual([...FIGURE_COLORS.truth]);
    expect(at(bar.left + 20, bar.top + 17)).toEqual([...FIGURE_COLORS.timeline]);
    expect(at(bar.left + bar.width - 20, bar.top + 17)).toEqual([...FIGURE_COLORS.prediction]);
    expect(at(bar.left + bar.width - 20, bar.top + 5)).toEqual([...FIGURE_COLORS.timeline]);
    expect(at(layout.tickX[1] as number, bar.top - 2)).toEqual([...FIGURE_COLORS.tick]);
    expect(image.width).toBe(360); // minimum width for the legend
  });
  it('scales masks by nearest neighbour', () => {
    const m = emptyMask(2, 2);
    m.data[3] = 1;
    expect(Array.from(scaleMask(m, 4, 2))).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
  });
});

describe('tables', () => {
  const t = {
    labelHeader: 'Method',
    columns: [
      { group: 'When', name: 'R1' },
      { group: 'When', name: 'tIoU' },
      { group: 'Combined', name: 'J&F_bi-fore' },
    ],
    rows: [
      { label: 'A | B', values: [23.1, 27.6, null] },
      { label: 'VideoLoom-8B', values: [37.9, 39.7, 49.1] },
    ],
  };
  it('terminal text: group header row, numbers right-aligned, "-" for missing', () => {
    expect(formatTableText(t)).toBe(
      [
        '              When        Combined',
        'Method          R1  tIoU  J&F_bi-fore',
        'A | B         23.1  27.6            -',
        'VideoLoom-8B  37.9  39.7         49.1',
      ].join('\n'),
    );
  });
  it('markdown: escaped labels, best per column in bold', () => {
    expect(formatTableMarkdown(t, { boldBest: true })).toBe(
      [
        '| Method       |  When R1 | When tIoU | Combined J&F_bi-fore |',
        '| ------------ | -------: | --------: | -------------------: |',
        '| A \\| B       |     23.1 |      27.6 |                    - |',
        '| VideoLoom-8B | **37.9** |  **39.7** |             **49.1** |',
      ].join('\n'),
    );
  });
});
