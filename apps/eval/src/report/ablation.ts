import { promises as fs, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeAtomically } from '@videoloom/video-io';
import { writeJsonAtomic } from '../score/report.js';
import {
  LOOMBENCH_REPORT_FORMAT,
  LOOMBENCH_REPORT_VERSION,
  type LoomBenchModelReport,
  type LoomBenchRunReport,
} from './loombench-report.js';
import { ReportInputError } from './report-input-error.js';
import { formatTableMarkdown, formatTableText, type GroupedTable } from './tables.js';

/** One `--run NAME=REPORT.json[#LABEL]`. */
export interface AblationRunInput {
  readonly name: string;
  readonly report: string;
  /** Model label inside the report; required when it holds more than one model. */
  readonly label?: string;
}

/** The Table 5 analogue's columns: LoomBench metrics per ablation setting. */
export const ABLATION_COLUMNS = [
  { group: 'When', name: 'R1@0.5', metric: 'when.R1@0.5' },
  { group: 'When', name: 'mIoU', metric: 'when.mIoU' },
  { group: 'Where', name: 'J&F', metric: 'where.J&F' },
  { group: 'Combined', name: 'J&F_bi-fore', metric: 'combined.JF_bi_fore' },
] as const;

export interface AblationRow {
  readonly name: string;
  readonly report: string;
  readonly model: string;
  readonly gtSha256: string;
  /** Fractions in [0, 1] per `ABLATION_COLUMNS` metric; null when the run has none. */
  readonly metrics: Record<string, number | null>;
  /** x100, rounded to one decimal, as printed. */
  readonly values: readonly (number | null)[];
}

export interface AblationTable {
  readonly format: 'videoloom-eval-ablation';
  readonly version: 1;
  readonly columns: typeof ABLATION_COLUMNS;
  readonly rows: readonly AblationRow[];
}

/**
 * Parses `NAME=PATH` or `NAME=PATH#LABEL`.
 * @throws ReportInputError naming the argument
 */
export function parseRunArgument(text: string): AblationRunInput {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1)
    throw new ReportInputError(
      '--run',
      undefined,
      'malformed run',
      'NAME=REPORT.json or NAME=REPORT.json#LABEL',
      JSON.stringify(text),
    );
  const name = text.slice(0, eq);
  const rest = text.slice(eq + 1);
  const hash = rest.lastIndexOf('#');
  return hash > 0
    ? { name, report: rest.slice(0, hash), label: rest.slice(hash + 1) }
    : { name, report: rest };
}

/** Reads a `report.json` written by `videoloom-eval report`, checking its format and version. */
export function readRunReport(path: string): LoomBenchRunReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ReportInputError(
      path,
      undefined,
      `cannot read the report (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      'a report.json written by videoloom-eval report',
      'unreadable',
    );
  }
  let json: Partial<LoomBenchRunReport>;
  try {
    json = JSON.parse(text) as Partial<LoomBenchRunReport>;
  } catch (cause) {
    throw new ReportInputError(
      path,
      undefined,
      `not valid JSON (${(cause as Error).message})`,
      'a JSON report',
      'unparsable text',
    );
  }
  if (json?.format !== LOOMBENCH_REPORT_FORMAT)
    throw new ReportInputError(
      path,
      undefined,
      'not a LoomBench run report',
      `"format": "${LOOMBENCH_REPORT_FORMAT}"`,
      JSON.stringify(json?.format),
    );
  if (json.version !== LOOMBENCH_REPORT_VERSION)
    throw new ReportInputError(
      path,
      undefined,
      'unsupported report version',
      String(LOOMBENCH_REPORT_VERSION),
      JSON.stringify(json.version),
    );
  if (!Array.isArray(json.models) || json.models.length === 0)
    throw new ReportInputError(
      path,
      undefined,
      'the report holds no model',
      'at least one entry in "models"',
      JSON.stringify(json.models),
    );
  return json as LoomBenchRunReport;
}

function pickModel(run: AblationRunInput, report: LoomBenchRunReport): LoomBenchModelReport {
  const labels = report.models.map((m) => m.label);
  if (run.label !== undefined) {
    const m = report.models.find((x) => x.label === run.label);
    if (!m)
      throw new ReportInputError(
        run.report,
        undefined,
        `no model labelled ${JSON.stringify(run.label)}`,
        `one of ${JSON.stringify(labels)}`,
        JSON.stringify(run.label),
      );
    return m;
  }
  if (report.models.length > 1)
    throw new ReportInputError(
      `--run ${run.name}`,
      undefined,
      `${run.report} holds ${report.models.length} models`,
      `NAME=${run.report}#LABEL with LABEL one of ${JSON.stringify(labels)}`,
      'no label',
    );
  return report.models[0] as LoomBenchModelReport;
}

/**
 * Builds the ablation table (Table 5 analogue) from report JSONs: When R1@0.5 and mIoU, Where J&F,
 * Combined J&F_bi-fore per setting.
 * @throws ReportInputError for duplicate names, unreadable reports, or runs scored on different
 *   ground truth (compared by the GT file's sha256) unless `allowMixedGt`
 */
export function buildAblationTable(
  runs: readonly AblationRunInput[],
  options: { readonly allowMixedGt?: boolean } = {},
): AblationTable {
  if (runs.length === 0)
    throw new ReportInputError(
      '--run',
      undefined,
      'no run given',
      'one --run NAME=REPORT.json per setting',
      'none',
    );
  const names = new Set<string>();
  const rows: AblationRow[] = runs.map((run) => {
    if (names.has(run.name))
      throw new ReportInputError(
        '--run',
        undefined,
        `setting name ${JSON.stringify(run.name)} used twice`,
        'one name per setting',
        run.name,
      );
    names.add(run.name);
    const report = readRunReport(run.report);
    const model = pickModel(run, report);
    const metrics = Object.fromEntries(
      ABLATION_COLUMNS.map((c) => [c.metric, model.metrics[c.metric] ?? null]),
    );
    return {
      name: run.name,
      report: run.report,
      model: model.label,
      gtSha256: report.inputs.gtSha256,
      metrics,
      values: ABLATION_COLUMNS.map((c) => {
        const v = metrics[c.metric];
        return v === null || v === undefined ? null : Number((100 * v).toFixed(1));
      }),
    };
  });
  const first = rows[0] as AblationRow;
  const other = rows.find((r) => r.gtSha256 !== first.gtSha256);
  if (other && !options.allowMixedGt)
    throw new ReportInputError(
      `--run ${other.name}`,
      undefined,
      `scored on other ground truth than --run ${first.name} (GT sha256 ${other.gtSha256.slice(0, 12)}… vs ${first.gtSha256.slice(0, 12)}…)`,
      'every run scored on the same GT file (or --allow-mixed-gt)',
      other.report,
    );
  return { format: 'videoloom-eval-ablation', version: 1, columns: ABLATION_COLUMNS, rows };
}

function grouped(t: AblationTable): GroupedTable {
  return {
    labelHeader: 'Setting',
    columns: t.columns,
    rows: t.rows.map((r) => ({ label: r.name, values: r.values })),
  };
}

/** Terminal text: the table with the best value of each column marked `*`. */
export function formatAblationText(t: AblationTable): string {
  return `LoomBench ablation (x100; * = best)\n${formatTableText(grouped(t), { markBest: true })}`;
}

/** Markdown: the table with the best value of each column in bold, and where each row came from. */
export function formatAblationMarkdown(t: AblationTable): string {
  return [
    '# LoomBench ablation',
    '',
    formatTableMarkdown(grouped(t), { boldBest: true }),
    '',
    'All values x100; best per column in bold. When: R1@0.5 and mIoU; Where: J&F; Combined: J&F_bi-fore.',
    '',
    ...t.rows.map(
      (r) =>
        `- ${r.name}: model \`${r.model}\` of \`${join(basename(dirname(r.report)), basename(r.report))}\``,
    ),
    '',
  ].join('\n');
}

/** Writes `ablation.md` and `ablation.json` (both atomically) under `out`. */
export async function writeAblation(
  t: AblationTable,
  out: string,
): Promise<{ json: string; markdown: string }> {
  const json = join(out, 'ablation.json');
  const markdown = join(out, 'ablation.md');
  writeJsonAtomic(json, t);
  const text = formatAblationMarkdown(t);
  await writeAtomically(markdown, (temporary) => fs.writeFile(temporary, text));
  return { json, markdown };
}
