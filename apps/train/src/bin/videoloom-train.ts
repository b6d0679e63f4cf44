#!/usr/bin/env node
import { defaultMaskModelIo, defaultTokenizerDir } from '../joint/defaults.js';
import { runTrainCli } from '../joint/run-train-cli.js';

runTrainCli(process.argv.slice(2), { tokenizerDir: defaultTokenizerDir, maskModel: defaultMaskModelIo }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const name = error instanceof Error && error.name.startsWith('VL_') ? `${error.name}: ` : '';
    process.stderr.write(
      `${name}${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
