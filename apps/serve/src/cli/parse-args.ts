import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type DeviceName, parseDeviceName } from '@videoloom/backend';
import { InvalidServeOptionError } from '../errors/index.js';
import { SERVE_DEFAULTS } from '../options.js';

export const SERVE_USAGE = `Usage: videoloom-serve [options]

Serves the VideoLoom HTTP API and web page (upload a video, ask When / Where / Combined / free text).

Options:
  --port N              port to listen on; 0 picks a free one (default ${SERVE_DEFAULTS.port})
  --host HOST           address to bind (default ${SERVE_DEFAULTS.host}; 0.0.0.0 for every interface)
  --checkpoint PATH     the trained VideoLoom checkpoint folder for the engine
  --device NAME         auto | cpu | wasm | gpu | cuda (default: $VIDEOLOOM_DEVICE, else auto)
  --max-upload-mb N     largest accepted upload in MiB (default ${SERVE_DEFAULTS.maxUploadBytes / 1024 / 1024})
  --max-duration-s N    longest accepted video in seconds (default ${SERVE_DEFAULTS.maxDurationSeconds})
  --queue-size N        asks that may wait for the engine; more get 429 (default ${SERVE_DEFAULTS.queueSize})
  --concurrency N       engine calls running at once (default ${SERVE_DEFAULTS.concurrency})
  --upload-ttl-s N      uploads are deleted N seconds after their last use (default ${SERVE_DEFAULTS.uploadTtlSeconds})
  --quiet               no request log on stdout
  -h, --help            this text
`;

/** The parsed command line of `videoloom-serve`. */
export interface ServeCliOptions {
  readonly port: number;
  readonly host: string;
  readonly checkpoint: string | undefined;
  readonly device: DeviceName;
  readonly maxUploadBytes: number;
  readonly maxDurationSeconds: number;
  readonly queueSize: number;
  readonly concurrency: number;
  readonly uploadTtlSeconds: number;
  readonly quiet: boolean;
  readonly help: boolean;
}

function numberFlag(
  flag: string,
  text: string | undefined,
  fallback: number,
  expected: string,
  ok: (n: number) => boolean,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !ok(n))
    throw new InvalidServeOptionError(flag, expected, JSON.stringify(text));
  return n;
}

const isPositiveInteger = (n: number) => Number.isInteger(n) && n >= 1;

/**
 * Parses `videoloom-serve` flags; throws `InvalidServeOptionError` naming the flag for a bad value
 * (and node's own error for an unknown flag).
 */
export function parseServeArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ServeCliOptions {
  const { values } = parseArgs({
    args: [...argv],
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      checkpoint: { type: 'string' },
      device: { type: 'string' },
      'max-upload-mb': { type: 'string' },
      'max-duration-s': { type: 'string' },
      'queue-size': { type: 'string' },
      concurrency: { type: 'string' },
      'upload-ttl-s': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const d = SERVE_DEFAULTS;
  const checkpoint = values.checkpoint;
  if (checkpoint !== undefined && !existsSync(checkpoint)) {
    throw new InvalidServeOptionError(
      '--checkpoint',
      'an existing checkpoint folder or file',
      JSON.stringify(checkpoint),
    );
  }
  let device: DeviceName;
  try {
    device = parseDeviceName(
      values.device ?? env.VIDEOLOOM_DEVICE ?? 'auto',
      values.device ? '--device' : 'VIDEOLOOM_DEVICE',
    );
  } catch {
    throw new InvalidServeOptionError(
      values.device ? '--device' : 'VIDEOLOOM_DEVICE',
      'one of auto, cpu, wasm, gpu, cuda',
      JSON.stringify(values.device ?? env.VIDEOLOOM_DEVICE),
    );
  }
  const host = values.host ?? d.host;
  if (host.trim() === '') throw new InvalidServeOptionError('--host', 'a host name or address', '""');
  return {
    port: numberFlag(
      '--port',
      values.port,
      d.port,
      'an integer port in 0..65535',
      (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    ),
    host,
    checkpoint,
    device,
    maxUploadBytes: Math.max(
      1,
      Math.floor(
        numberFlag(
          '--max-upload-mb',
          values['max-upload-mb'],
          d.maxUploadBytes / 1024 / 1024,
          'a positive number of MiB',
          (n) => n > 0,
        ) *
          1024 *
          1024,
      ),
    ),
    maxDurationSeconds: numberFlag(
      '--max-duration-s',
      values['max-duration-s'],
      d.maxDurationSeconds,
      'a positive number of seconds',
      (n) => n > 0,
    ),
    queueSize: numberFlag(
      '--queue-size',
      values['queue-size'],
      d.queueSize,
      'a non-negative integer',
      (n) => Number.isInteger(n) && n >= 0,
    ),
    concurrency: numberFlag(
      '--concurrency',
      values.concurrency,
      d.concurrency,
      'a positive integer',
      isPositiveInteger,
    ),
    uploadTtlSeconds: numberFlag(
      '--upload-ttl-s',
      values['upload-ttl-s'],
      d.uploadTtlSeconds,
      'a positive number of seconds',
      (n) => n > 0,
    ),
    quiet: values.quiet ?? false,
    help: values.help ?? false,
  };
}
