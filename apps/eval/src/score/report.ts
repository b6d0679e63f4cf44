import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The JSON `videoloom-eval score --json` writes: official metric names and units under `metrics`. */
export interface ScoreReport {
  readonly format: 'videoloom-eval-score';
  readonly version: 1;
  readonly benchmark: string;
  /** `official` reproduces the official evaluators (quirks included); `strict` fixes documented quirks. */
  readonly mode: 'official' | 'strict';
  /** Unit of the numbers in `metrics` (as the official evaluator computes them before printing). */
  readonly units: string;
  readonly metrics: Record<string, number | null | Record<string, unknown>>;
  readonly per_item: readonly unknown[];
  /** Metrics that could not be computed here, with the reason (e.g. METEOR without its jar). */
  readonly unavailable: readonly { readonly metric: string; readonly reason: string }[];
  readonly inputs: { readonly gt: string; readonly pred: string };
}

/** Writes JSON atomically (temp file + rename) so an interrupted run never leaves a half-written report. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** A plain text table: one header row, one value row per line of `rows`. */
export function formatTable(
  title: string,
  columns: readonly string[],
  rows: readonly { label: string; values: readonly (number | null | string)[] }[],
): string {
  const fmt = (v: number | null | string): string =>
    v === null ? 'n/a' : typeof v === 'number' ? pythonFloatString(v) : v;
  const labelWidth = Math.max(0, ...rows.map((r) => r.label.length));
  const widths = columns.map((c, i) =>
    Math.max(c.length, ...rows.map((r) => fmt(r.values[i] ?? null).length)),
  );
  const line = (label: string, cells: readonly string[]) =>
    `${label.padEnd(labelWidth)}${labelWidth ? '  ' : ''}${cells.map((c, i) => c.padStart(widths[i] as number)).join('  ')}`;
  return [title, line('', columns), ...rows.map((r) => line(r.label, r.values.map(fmt)))].join('\n');
}

/** Python's `str(float)` for the numbers the official scripts print: `9.0`, not JS's `9`. */
export function pythonFloatString(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  return String(x);
}
