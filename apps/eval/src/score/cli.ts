import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { scoreLoomBenchFiles } from './loombench.js';
import { stderrProgressBar } from './progress.js';
import { scoreRefCocoFiles } from './refcoco.js';
import { scoreRefVosFiles } from './refvos.js';
import { writeJsonAtomic } from './report.js';
import { type ScoreOutcome, scoreCharadesFiles, scoreQvhFiles, scoreYouCook2Files } from './temporal.js';

export const SCORE_BENCHMARKS = [
  'charades',
  'qvhighlights',
  'youcook2',
  'refvos',
  'refcoco',
  'loombench',
] as const;
export type ScoreBenchmark = (typeof SCORE_BENCHMARKS)[number];

export const SCORE_USAGE = `Usage: videoloom-eval score <benchmark> --gt PATH --pred PATH [--json PATH] [options]

Benchmarks and inputs (the official evaluators' file formats):
  charades      TimeChat gt {"annotations":[{id,timestamp}]} + pred {"<id>":{"timestamp":[[s,e]]}}
                (only predicted ids are scored, as eval_tvg.py --sample; --all-gt scores every GT id)
  qvhighlights  moment_detr gt .jsonl + pred .jsonl (identical qid sets); --shared-qids for TimeChat's copy
  youcook2      TimeChat gt {"annotations":[{image_id,segments,pure_cap}]} + pred {"<video>":[{timestamp,caption}]}
                METEOR and SODA_c need the official meteor-1.5.jar: --meteor-jar PATH or VIDEOLOOM_METEOR_JAR
  refvos        --gt folder (or meta_expressions.json) with mask_dict.json (MeViS/ReVOS);
                --pred folder <video>/<expression>/<frame>.png or RLE JSON {video:{expression:[rle|null]}}
  refcoco       gt [{"id","mask":RLE}] + pred {"<id>": RLE|null}
  loombench     LoomBench JSON v1 files (see @videoloom/metrics README)

Options:
  --json PATH   write every metric plus per-item scores (official names and units) atomically
  --strict      fix documented quirks of the official code (labelled "strict" in every report)
  --workers N   refvos: worker threads scoring expressions in parallel (default: spare cores, max 4; 0 = inline)
  --quiet       no progress bar
`;

/** `--workers N` (refvos): explicit count, else one per spare core (at most 4); 0/1 = inline. */
function parseWorkers(text: string | undefined): number {
  if (text === undefined) return Math.min(4, Math.max(0, availableParallelism() - 1));
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`--workers expects a non-negative integer, received ${JSON.stringify(text)}`);
  return n;
}

/** Runs `videoloom-eval score …`; returns the process exit code. */
export async function runScore(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      gt: { type: 'string' },
      pred: { type: 'string' },
      json: { type: 'string' },
      strict: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'meteor-jar': { type: 'string' },
      'mask-dict': { type: 'string' },
      'shared-qids': { type: 'boolean', default: false },
      'all-gt': { type: 'boolean', default: false },
      workers: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const benchmark = positionals[0];
  if (values.help || !benchmark) {
    out(SCORE_USAGE);
    return values.help ? 0 : 2;
  }
  if (!(SCORE_BENCHMARKS as readonly string[]).includes(benchmark)) {
    out(
      `Unknown benchmark "${benchmark}"; expected one of ${SCORE_BENCHMARKS.join(', ')}.\n\n${SCORE_USAGE}`,
    );
    return 2;
  }
  if (!values.gt || !values.pred) {
    out(`score ${benchmark}: --gt and --pred are required.\n\n${SCORE_USAGE}`);
    return 2;
  }
  const common = {
    gt: values.gt,
    pred: values.pred,
    strict: values.strict ?? false,
    ...(values.quiet ? {} : { onProgress: stderrProgressBar() }),
  };
  let outcome: ScoreOutcome;
  switch (benchmark as ScoreBenchmark) {
    case 'charades':
      outcome = scoreCharadesFiles({ ...common, allGt: values['all-gt'] ?? false });
      break;
    case 'qvhighlights':
      outcome = scoreQvhFiles({ ...common, sharedQids: values['shared-qids'] ?? false });
      break;
    case 'youcook2':
      outcome = await scoreYouCook2Files({
        ...common,
        ...(values['meteor-jar'] ? { meteorJar: values['meteor-jar'] } : {}),
      });
      break;
    case 'refvos':
      outcome = await scoreRefVosFiles({
        ...common,
        workers: parseWorkers(values.workers),
        ...(values['mask-dict'] ? { maskDict: values['mask-dict'] } : {}),
      });
      break;
    case 'refcoco':
      outcome = scoreRefCocoFiles(common);
      break;
    case 'loombench':
      outcome = scoreLoomBenchFiles(common);
      break;
  }
  out(`${outcome.table}\n`);
  out(`mode: ${outcome.report.mode}\n`);
  for (const u of outcome.report.unavailable) out(`${u.metric}: unavailable (${u.reason})\n`);
  if (values.json) {
    writeJsonAtomic(values.json, outcome.report);
    out(`wrote ${values.json}\n`);
  }
  return 0;
}
