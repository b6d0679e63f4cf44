#!/usr/bin/env node
import { defaultMaskModelIo, defaultTokenizerDir } from '../joint/defaults.js';
import { runTrainCli } from '../joint/run-train-cli.js';

runTrainCli(process.argv.slice(2), { tokenizerDir: defaultTokenizerDir, maskModel: defaultMaskModelIo }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    // A stack already begins with "VL_Name: message"; only a bare message needs the name in front.
    const name =
      error instanceof Error && error.name.startsWith('VL_') && !text.startsWith(error.name)
        ? `${error.name}: `
        : '';
    process.stderr.write(`${name}${text}\n`);
    process.exitCode = 1;
  },
);
