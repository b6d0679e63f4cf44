import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidMetricInputError, type LoomBenchFile, parseLoomBenchFile } from '@videoloom/metrics';
import { encodePng, type VideoSource, writeAtomically } from '@videoloom/video-io';
import { writeJsonAtomic } from '../score/report.js';
import { renderExample, selectExamples } from './examples.js';
import {
  buildLoomBenchReport,
  type ExampleRecord,
  type LoadedLoomBench,
  type LoomBenchRunReport,
  type ReportModelInput,
} from './loombench-report.js';
import { ReportInputError } from './report-input-error.js';
import { formatTableMarkdown, formatTableText, type GroupedTable, markdownTable } from './tables.js';
import { VideoCatalog } from './video-catalog.js';

export interface LoomBenchReportOptions {
  /** LoomBench v1 ground-truth file. */
  readonly gt: string;
  /** One or more prediction files with their row labels. */
  readonly preds: readonly ReportModelInput[];
  /** Folder the items' `video` paths are relative to. */
  readonly videos: string;
  /** Output folder: `report.json`, `report.md`, `examples/<label>/*.png`. */
  readonly out: string;
  /** Qualitative examples per model (best, median, worst for 3). @defaultValue 3 */
  readonly examples?: number;
  /** Frames in each example's strip. @defaultValue 6 */
  readonly framesPerExample?: number;
  /** Strip frame height in pixels (never enlarged). @defaultValue 144 */
  readonly tileHeight?: number;
  /** GT file of the split the constant baseline is fitted on (train/val); undefined = oracle fit. */
  readonly baselineFit?: string;
  /** Folder of the fit split's videos. @defaultValue the fit GT file's folder */
  readonly baselineFitVideos?: string;
  /** Video backend. @defaultValue FfmpegVideoSource */
  readonly videoSource?: VideoSource;
  /** Progress lines (probing, rendering). */
  readonly onProgress?: (message: string) => void;
}

export interface LoomBenchReportOutcome {
  readonly report: LoomBenchRunReport;
  /** The Table 4 layout as printed on a terminal. */
  readonly text: string;
  readonly markdown: string;
  readonly files: { readonly json: string; readonly markdown: string; readonly examples: readonly string[] };
}

/** Reads a LoomBench file; a missing/unreadable/non-JSON file is a typed error naming it. */
export function loadLoomBench(
  path: string,
  kind: 'gt' | 'pred',
): LoadedLoomBench & { readonly bytes: Buffer } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new InvalidMetricInputError(
      path,
      undefined,
      `cannot read the ${kind === 'gt' ? 'ground-truth' : 'prediction'} file (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      'an existing readable file',
      'unreadable',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new InvalidMetricInputError(
      path,
      undefined,
      `not valid JSON (${(cause as Error).message})`,
      'a JSON file',
      'unparsable text',
    );
  }
  return { path, file: parseLoomBenchFile(json, path, kind), bytes };
}

/** A label as a file-name part: lower case, [a-z0-9._-] only. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'model'
  );
}

function table4(report: LoomBenchRunReport): GroupedTable {
  return {
    labelHeader: 'Method',
    columns: report.table.columns,
    rows: report.table.rows,
  };
}

const pct1 = (x: number) => (100 * x).toFixed(1);
const spanText = (s: readonly [number, number]) => `[${s[0].toFixed(2)}, ${s[1].toFixed(2)}]`;

/** The Table 4 layout for the terminal: title, table, the baseline's spans. */
export function formatReportText(report: LoomBenchRunReport): string {
  const c = report.counts;
  const lines = [
    `LoomBench (when ${c.when}, where ${c.where}, combined ${c.combined}; x100; R1 = R1@0.5, tIoU = mIoU)`,
    formatTableText(table4(report)),
  ];
  const b = report.baseline;
  if (b)
    lines.push(
      '',
      `${b.label}: R1@0.5 from span ${spanText(b.bestR1.span)}, tIoU from span ${spanText(b.bestMIoU.span)} of each video's duration` +
        (b.fit.oracle
          ? ' (fitted on this split: an upper bound of the constant baseline)'
          : ` (fitted on ${b.fit.items} When items of ${b.fit.gt})`),
    );
  else lines.push('', 'No When items: no constant-span baseline.');
  return lines.join('\n');
}

/** The markdown report (paths relative to the output folder, file names only for inputs). */
export function formatReportMarkdown(report: LoomBenchRunReport): string {
  const c = report.counts;
  const out: string[] = [
    '# LoomBench report',
    '',
    `Ground truth: \`${basename(report.inputs.gt)}\` (${c.when} When, ${c.where} Where, ${c.combined} Combined items).`,
    `Predictions: ${report.inputs.preds.map((p) => `${p.label} (\`${basename(p.path)}\`)`).join(', ')}.`,
    '',
    formatTableMarkdown(table4(report)),
    '',
    'All values x100. When: R1 = R1@0.5, tIoU = mean tIoU (mIoU). Where: J&F. Combined: mean tIoU of the',
    'answer spans and J&F_bi-fore (harmonic mean of mean J&F over the predicted and the true foreground spans).',
  ];
  const b = report.baseline;
  out.push('', '## Constant-span baseline', '');
  if (!b) out.push('The split has no When items, so there is no constant-span baseline.');
  else {
    out.push(
      `The single span [a, b] (fractions of each video's duration, grid step ${b.fit.step}) predicted for every When item,`,
      b.fit.oracle
        ? `fitted on this split's own ${b.fit.items} When items: an **oracle fit**: no span on this grid scores higher on this split, so it bounds the constant baseline from above.`
        : `fitted on the ${b.fit.items} When items of \`${basename(b.fit.gt)}\`.`,
      '',
      markdownTable(
        ['Fitted for', 'Span', 'R1@0.5', 'R1@0.7', 'mIoU', 'R1@0.5 (fit split)', 'mIoU (fit split)'],
        ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
        (
          [
            ['R1@0.5', b.bestR1],
            ['mIoU', b.bestMIoU],
          ] as const
        ).map(([name, r]) => [
          name,
          spanText(r.span),
          pct1(r.eval['R1@0.5']),
          pct1(r.eval['R1@0.7']),
          pct1(r.eval.mIoU),
          pct1(r.fit['R1@0.5']),
          pct1(r.fit.mIoU),
        ]),
      ),
    );
  }
  if (report.examples.length > 0) {
    out.push('', '## Qualitative examples', '');
    out.push(
      'Predicted mask filled in magenta, true mask outlined in green; on the timeline, the true span (upper band),',
      'the predicted span (lower band) and a tick per shown frame.',
    );
    let model: string | undefined;
    for (const e of report.examples) {
      if (e.model !== model) {
        model = e.model;
        out.push('', `### ${e.model}`, '');
      }
      out.push(
        `- ${e.name} (rank ${e.rank}/${e.of}, score ${e.score.toFixed(3)}): ${e.task} item \`${e.id}\``,
        '',
        `  ![${e.task} ${e.id}](${e.file})`,
        '',
      );
    }
    if (out.at(-1) === '') out.pop();
  }
  return `${out.join('\n')}\n`;
}

/**
 * Scores one or more LoomBench prediction files, fits the constant-span baseline, renders the
 * qualitative examples and writes `report.json` (atomic), `report.md` and `examples/<label>/NN-name-id.png`
 * under `out`. The library entry of `videoloom-eval report`.
 * @throws InvalidMetricInputError for unreadable / mismatched LoomBench files, ReportInputError for
 *   a missing videos folder, video-io's typed errors for missing or unreadable videos
 */
export async function writeLoomBenchReport(options: LoomBenchReportOptions): Promise<LoomBenchReportOutcome> {
  if (options.preds.length === 0)
    throw new ReportInputError(
      '--pred',
      undefined,
      'no prediction file',
      'at least one --pred [LABEL=]PATH',
      'none',
    );
  const gt = loadLoomBench(options.gt, 'gt');
  const preds = options.preds.map((p) => ({ ...p, file: loadLoomBench(p.path, 'pred').file }));
  const catalog = new VideoCatalog(options.videos, '--videos', options.videoSource);
  const progress = options.onProgress ?? (() => {});
  const whenItems = (f: LoomBenchFile) => f.items.filter((it) => it.task === 'when');
  progress(`probing the videos of ${whenItems(gt.file).length} When items`);
  const durations = await catalog.durations(whenItems(gt.file), gt.path);
  let baselineFit: (LoadedLoomBench & { durations: ReadonlyMap<string, number> }) | undefined;
  if (options.baselineFit) {
    const fit = loadLoomBench(options.baselineFit, 'gt');
    const fitCatalog = new VideoCatalog(
      options.baselineFitVideos ?? dirname(resolve(options.baselineFit)),
      '--baseline-fit-videos',
      options.videoSource,
    );
    progress(`probing the videos of ${whenItems(fit.file).length} When items of the fit split`);
    baselineFit = {
      path: fit.path,
      file: fit.file,
      durations: await fitCatalog.durations(whenItems(fit.file), fit.path),
    };
  }
  const built = buildLoomBenchReport({
    gt,
    gtSha256: createHash('sha256').update(gt.bytes).digest('hex'),
    videos: options.videos,
    preds,
    durations,
    ...(baselineFit ? { baselineFit } : {}),
  });
  const examples: ExampleRecord[] = [];
  const exampleFiles: string[] = [];
  const gtById = new Map(gt.file.items.map((it) => [it.id, it]));
  const count = options.examples ?? 3;
  for (const [m, model] of built.models.entries()) {
    const pred = preds[m] as (typeof preds)[number];
    const predById = new Map(pred.file.items.map((it) => [it.id, it]));
    const chosen = selectExamples(model.perItem, count);
    for (const [k, selection] of chosen.entries()) {
      progress(`rendering example ${k + 1}/${chosen.length} of ${model.label} (${selection.item.id})`);
      const { image, record } = await renderExample(
        selection,
        gtById.get(selection.item.id) as NonNullable<ReturnType<typeof gtById.get>>,
        predById.get(selection.item.id) as NonNullable<ReturnType<typeof predById.get>>,
        {
          gtPath: gt.path,
          predPath: pred.path,
          model: model.label,
          catalog,
          frames: options.framesPerExample ?? 6,
          tileHeight: options.tileHeight ?? 144,
        },
      );
      const file = join(
        'examples',
        slug(model.label),
        `${String(k + 1).padStart(2, '0')}-${selection.name}-${slug(selection.item.id)}.png`,
      );
      const path = join(options.out, file);
      await writeAtomically(path, (temporary) => fs.writeFile(temporary, encodePng(image)));
      exampleFiles.push(path);
      examples.push({ ...record, file: file.split('\\').join('/') });
    }
  }
  const report: LoomBenchRunReport = { ...built, examples };
  const text = formatReportText(report);
  const markdown = formatReportMarkdown(report);
  const jsonPath = join(options.out, 'report.json');
  const markdownPath = join(options.out, 'report.md');
  writeJsonAtomic(jsonPath, report);
  await writeAtomically(markdownPath, (temporary) => fs.writeFile(temporary, markdown));
  return {
    report,
    text,
    markdown,
    files: { json: jsonPath, markdown: markdownPath, examples: exampleFiles },
  };
}
