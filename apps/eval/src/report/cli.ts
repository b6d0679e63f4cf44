import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { countOption } from '../count-option.js';
import { buildAblationTable, formatAblationText, parseRunArgument, writeAblation } from './ablation.js';
import type { ReportModelInput } from './loombench-report.js';
import { ReportInputError } from './report-input-error.js';
import { writeLoomBenchReport } from './write-report.js';

export const REPORT_USAGE = `Usage: videoloom-eval report --gt GT.json --pred [LABEL=]PRED.json [--pred ...] --videos DIR --out DIR
                            [--examples N] [--frames K] [--tile-height PX]
                            [--baseline-fit FIT_GT.json [--baseline-fit-videos DIR]] [--quiet]

Scores LoomBench v1 predictions and writes the paper's Table 4 layout (terminal + OUT/report.md), every
metric with per-item scores (OUT/report.json) and qualitative examples (OUT/examples/<label>/*.png).

  --gt PATH                LoomBench v1 ground truth
  --pred [LABEL=]PATH      predictions; one table row per label (default label: the file name)
  --videos DIR             folder the items' "video" paths are relative to
  --out DIR                output folder
  --examples N             examples per model: best, median, worst for 3 (default 3; 0 = none)
  --frames K               frames in each example's strip (default 6)
  --tile-height PX         strip frame height, never enlarged (default 144)
  --baseline-fit PATH      fit the constant-span baseline on this split's GT (train/val) instead of
                           the evaluated split (which is then labelled an oracle fit)
  --baseline-fit-videos DIR  videos of the fit split (default: the fit GT file's folder)
  --quiet                  no progress on stderr
`;

export const ABLATION_USAGE = `Usage: videoloom-eval ablation --run NAME=REPORT.json[#LABEL] [--run ...] --out DIR [--allow-mixed-gt]

Reads report.json files of videoloom-eval report and writes the ablation table (Table 5 analogue:
When R1@0.5 / mIoU, Where J&F, Combined J&F_bi-fore per setting) to the terminal, OUT/ablation.md and
OUT/ablation.json. #LABEL picks a model in a report that holds several. Runs must be scored on the
same GT file unless --allow-mixed-gt.
`;

/** `--pred [LABEL=]PATH`: a label is split off only when PATH itself is not an existing file. */
export function parsePredArgument(text: string): ReportModelInput {
  const eq = text.indexOf('=');
  if (eq > 0 && !existsSync(text)) {
    const label = text.slice(0, eq);
    const path = text.slice(eq + 1);
    if (path.length === 0)
      throw new ReportInputError(
        '--pred',
        undefined,
        'no path after the label',
        'LABEL=PATH',
        JSON.stringify(text),
      );
    return { label, path };
  }
  return { label: basename(text, extname(text)), path: text };
}

/** Runs `videoloom-eval report …`; returns the exit code (typed errors are thrown). */
export async function runReport(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      gt: { type: 'string' },
      pred: { type: 'string', multiple: true },
      videos: { type: 'string' },
      out: { type: 'string' },
      examples: { type: 'string' },
      frames: { type: 'string' },
      'tile-height': { type: 'string' },
      'baseline-fit': { type: 'string' },
      'baseline-fit-videos': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(REPORT_USAGE);
    return 0;
  }
  const missing = (['gt', 'pred', 'videos', 'out'] as const).filter(
    (k) => !values[k] || values[k]?.length === 0,
  );
  if (missing.length > 0) {
    out(`report: ${missing.map((k) => `--${k}`).join(', ')} required.\n\n${REPORT_USAGE}`);
    return 2;
  }
  const outcome = await writeLoomBenchReport({
    gt: values.gt as string,
    preds: (values.pred as string[]).map(parsePredArgument),
    videos: values.videos as string,
    out: values.out as string,
    examples: countOption('--examples', values.examples, 0) ?? 3,
    framesPerExample: countOption('--frames', values.frames, 1) ?? 6,
    tileHeight: countOption('--tile-height', values['tile-height'], 8) ?? 144,
    ...(values['baseline-fit'] ? { baselineFit: values['baseline-fit'] } : {}),
    ...(values['baseline-fit-videos'] ? { baselineFitVideos: values['baseline-fit-videos'] } : {}),
    ...(values.quiet ? {} : { onProgress: (m: string) => err(`${m}...\n`) }),
  });
  out(`${outcome.text}\n\n`);
  out(`wrote ${outcome.files.json}\nwrote ${outcome.files.markdown}\n`);
  for (const f of outcome.files.examples) out(`wrote ${f}\n`);
  return 0;
}

/** Runs `videoloom-eval ablation …`; returns the exit code (typed errors are thrown). */
export async function runAblation(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      run: { type: 'string', multiple: true },
      out: { type: 'string' },
      'allow-mixed-gt': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(ABLATION_USAGE);
    return 0;
  }
  if (!values.run || values.run.length === 0 || !values.out) {
    out(`ablation: --run (at least one) and --out are required.\n\n${ABLATION_USAGE}`);
    return 2;
  }
  const table = buildAblationTable(values.run.map(parseRunArgument), {
    allowMixedGt: values['allow-mixed-gt'] ?? false,
  });
  const files = await writeAblation(table, values.out);
  out(`${formatAblationText(table)}\n\nwrote ${files.json}\nwrote ${files.markdown}\n`);
  return 0;
}
