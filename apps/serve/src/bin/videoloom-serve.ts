#!/usr/bin/env node
import { runServeCli } from '../cli/run-serve-cli.js';

async function main(): Promise<void> {
  const outcome = await runServeCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  if (typeof outcome === 'number') {
    process.exitCode = outcome;
    return;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`videoloom-serve: ${signal}, closing (running asks are aborted, uploads removed)\n`);
    outcome.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`videoloom-serve: close failed: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const e = error as Error;
  process.stderr.write(`${e.name ?? 'Error'}: ${e.message}\n`);
  process.exitCode = 1;
});
