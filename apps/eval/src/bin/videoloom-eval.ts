#!/usr/bin/env node
import { ABLATION_USAGE, REPORT_USAGE, runAblation, runReport } from '../report/cli.js';
import { runScore, SCORE_USAGE } from '../score/cli.js';

const [command, ...rest] = process.argv.slice(2);

async function main(): Promise<number> {
  if (command === 'score') return runScore(rest);
  if (command === 'report') return runReport(rest);
  if (command === 'ablation') return runAblation(rest);
  process.stdout.write(
    `videoloom-eval: scoring against the official evaluators, LoomBench reports and ablation tables.\n\n${SCORE_USAGE}\n${REPORT_USAGE}\n${ABLATION_USAGE}`,
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
