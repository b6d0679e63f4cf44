#!/usr/bin/env node
import { runDataCli } from '../data-cli/run-data-cli.js';

runDataCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const name = error instanceof Error && error.name.startsWith('VL_') ? `${error.name}: ` : '';
    process.stderr.write(`${name}${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
