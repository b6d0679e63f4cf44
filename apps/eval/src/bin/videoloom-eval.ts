#!/usr/bin/env node
import { runScore, SCORE_USAGE } from '../score/cli.js';

const [command, ...rest] = process.argv.slice(2);

async function main(): Promise<number> {
  if (command === 'score') return runScore(rest);
  process.stdout.write(`videoloom-eval: scoring against the official evaluators.\n\n${SCORE_USAGE}`);
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
