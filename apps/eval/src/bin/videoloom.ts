#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isVideoLoomError, tf } from '@videoloom/backend';
import { formatDoctorReport, runDoctor } from '../doctor/run-doctor.js';
import { writeJsonAtomic } from '../score/report.js';

const USAGE = `Usage: videoloom <command> [options]

Commands:
  doctor    List every compute backend (TensorFlow.js backends, ONNX Runtime execution providers),
            why each one is or is not available, what --device resolves to, and a matmul figure.
            --json PATH      also write the report as JSON
            --device NAME    auto | cpu | wasm | gpu | cuda (default: $VIDEOLOOM_DEVICE or auto)
            --size N         matmul size (default 1024)
            --no-bench       skip the throughput measurement
`;

async function main(argv: string[]): Promise<number> {
  // Production mode silences tfjs's console advert for tfjs-node; the doctor reports that itself.
  tf.enableProdMode();
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 1;
  }
  if (command !== 'doctor') {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      json: { type: 'string' },
      device: { type: 'string' },
      size: { type: 'string' },
      'no-bench': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const size = values.size === undefined ? 1024 : Number(values.size);
  if (!Number.isInteger(size) || size < 1 || size > 8192) {
    process.stderr.write(`--size must be an integer in 1..8192, received "${values.size}".\n`);
    return 2;
  }
  const report = await runDoctor({
    ...(values.device === undefined ? {} : { device: values.device }),
    matmulSize: size,
    skipThroughput: values['no-bench'],
    onProgress: (message) => process.stderr.write(`${message}...\n`),
  });
  process.stdout.write(`${formatDoctorReport(report)}\n`);
  if (values.json) {
    writeJsonAtomic(values.json, report);
    process.stdout.write(`\nwrote ${values.json}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${isVideoLoomError(error) ? `${error.name}: ` : ''}${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
