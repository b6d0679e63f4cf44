import type { ValidationRecord } from './checkpoint.js';
import type { StepRecord } from './joint-trainer.js';

const SERIES: { key: keyof StepRecord; label: string; color: string }[] = [
  { key: 'total', label: 'total loss', color: '#222222' },
  { key: 'text', label: 'text CE', color: '#1f77b4' },
  { key: 'frameId', label: 'frame-id CE', color: '#d62728' },
  { key: 'mask', label: 'mask BCE+Dice', color: '#2ca02c' },
  { key: 'frameEvents', label: 'frame events BCE', color: '#9467bd' },
  { key: 'spanFrames', label: 'span frames BCE', color: '#ff7f0e' },
];

/** Moving average over a window, skipping NaN. */
function smooth(values: readonly number[], window: number): number[] {
  return values.map((_, i) => {
    const xs = values.slice(Math.max(0, i - window + 1), i + 1).filter(Number.isFinite);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
  });
}

function polyline(points: [number, number][], color: string, dash = ''): string {
  const d = points
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    .map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
    .join(' ');
  return `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${d}"/>`;
}

/**
 * An SVG with the training losses (smoothed) and the validation When R1@0.5 against the best
 * constant span, over steps.
 */
export function renderTrainingCurves(
  history: readonly StepRecord[],
  validations: readonly ValidationRecord[],
  title: string,
): string {
  const W = 900;
  const H = 320;
  const pad = { left: 55, right: 170, top: 30, bottom: 35 };
  const steps = Math.max(history.at(-1)?.step ?? 1, 1);
  const x = (step: number) => pad.left + ((W - pad.left - pad.right) * step) / steps;
  const window = Math.max(1, Math.round(history.length / 60));
  const series = SERIES.map((s) => ({
    ...s,
    values: smooth(
      history.map((r) => r[s.key] as number),
      window,
    ),
  }));
  const maxLoss = Math.max(1e-6, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const yLoss = (v: number) => pad.top + (H - pad.top - pad.bottom) * (1 - v / maxLoss);
  const top = H + 20;
  const yMetric = (v: number) => top + pad.top + (H - pad.top - pad.bottom) * (1 - v);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * H + 20}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad.left}" y="18" font-size="14">${escapeXml(title)}: training losses (moving average of ${window} steps)</text>`,
    `<line x1="${pad.left}" y1="${H - pad.bottom}" x2="${W - pad.right}" y2="${H - pad.bottom}" stroke="#999"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${H - pad.bottom}" stroke="#999"/>`,
    `<text x="${pad.left - 5}" y="${pad.top + 4}" text-anchor="end">${maxLoss.toFixed(2)}</text>`,
    `<text x="${pad.left - 5}" y="${H - pad.bottom}" text-anchor="end">0</text>`,
    `<text x="${W - pad.right}" y="${H - pad.bottom + 15}" text-anchor="end">step ${steps}</text>`,
  ];
  series.forEach((s, i) => {
    parts.push(
      polyline(
        history.map((r, k) => [x(r.step), yLoss(s.values[k]!)]),
        s.color,
      ),
    );
    parts.push(
      `<rect x="${W - pad.right + 10}" y="${pad.top + i * 18}" width="12" height="3" fill="${s.color}"/>`,
    );
    parts.push(`<text x="${W - pad.right + 28}" y="${pad.top + i * 18 + 5}">${s.label}</text>`);
  });
  const headed = validations.filter((v) => typeof v.spanHeadR1At05 === 'number');
  parts.push(
    `<text x="${pad.left}" y="${top + 18}" font-size="14">validation: When R1@0.5 (greedy) vs best constant span</text>`,
    `<line x1="${pad.left}" y1="${top + H - pad.bottom}" x2="${W - pad.right}" y2="${top + H - pad.bottom}" stroke="#999"/>`,
    `<line x1="${pad.left}" y1="${top + pad.top}" x2="${pad.left}" y2="${top + H - pad.bottom}" stroke="#999"/>`,
    `<text x="${pad.left - 5}" y="${top + pad.top + 4}" text-anchor="end">1.0</text>`,
    `<text x="${pad.left - 5}" y="${top + H - pad.bottom}" text-anchor="end">0</text>`,
    polyline(
      validations.map((v) => [x(v.step), yMetric(v.r1At05)]),
      '#d62728',
    ),
    polyline(
      validations.map((v) => [x(v.step), yMetric(v.constantR1At05)]),
      '#555555',
      '6 4',
    ),
    polyline(
      headed.map((v) => [x(v.step), yMetric(v.spanHeadR1At05 as number)]),
      '#2ca02c',
    ),
    `<rect x="${W - pad.right + 10}" y="${top + pad.top}" width="12" height="3" fill="#d62728"/>`,
    `<text x="${W - pad.right + 28}" y="${top + pad.top + 5}">model R1@0.5</text>`,
    `<rect x="${W - pad.right + 10}" y="${top + pad.top + 18}" width="12" height="3" fill="#555555"/>`,
    `<text x="${W - pad.right + 28}" y="${top + pad.top + 23}">constant span</text>`,
    ...(headed.length > 0
      ? [
          `<rect x="${W - pad.right + 10}" y="${top + pad.top + 36}" width="12" height="3" fill="#2ca02c"/>`,
          `<text x="${W - pad.right + 28}" y="${top + pad.top + 41}">span head alone</text>`,
        ]
      : []),
    ...validations.map(
      (v) =>
        `<circle cx="${x(v.step).toFixed(1)}" cy="${yMetric(v.r1At05).toFixed(1)}" r="2.5" fill="#d62728"/>`,
    ),
    '</svg>',
  );
  return parts.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
