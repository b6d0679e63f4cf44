#!/usr/bin/env node
import { ABLATION_USAGE, REPORT_USAGE, runAblation, runReport } from '../report/cli.js';
import { RUN_USAGE, runRun } from '../run/cli.js';
import { runScore, SCORE_USAGE } from '../score/cli.js';

const [command, ...rest] = process.argv.slice(2);

async function main(): Promise<number> {
  if (command === 'score') return runScore(rest);
  if (command === 'report') return runReport(rest);
  if (command === 'ablation') return runAblation(rest);
  if (command === 'run') return runRun(rest);
  process.stdout.write(
    `videoloom-eval: running checkpoints on LoomBench, scoring against the official evaluators, reports and ablation tables.\n\n${RUN_USAGE}\n${SCORE_USAGE}\n${REPORT_USAGE}\n${ABLATION_USAGE}`,
  );
  return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as Error;
    process.stderr.write(`${e.name ?? 'Error'}: ${e.message}\n`);
    process.exitCode = 1;
  },
);
