import { type EngineLoader, loadDefaultEngine } from '../engine-loader.js';
import { type RunningServer, startServer } from '../server.js';
import { parseServeArgs, SERVE_USAGE } from './parse-args.js';

export interface ServeCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** @defaultValue loadDefaultEngine */
  readonly loadEngine?: EngineLoader;
}

/**
 * Runs `videoloom-serve <argv>`: returns the listening server, or an exit code when it printed help
 * (0) or refused the flags (2). Any other failure (port in use, ...) rejects.
 */
export async function runServeCli(argv: readonly string[], io: ServeCliIo): Promise<RunningServer | number> {
  let cli: ReturnType<typeof parseServeArgs>;
  try {
    cli = parseServeArgs(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (cli.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  const engine = (io.loadEngine ?? loadDefaultEngine)({ checkpoint: cli.checkpoint, device: cli.device });
  const server = await startServer({
    engine,
    host: cli.host,
    port: cli.port,
    maxUploadBytes: cli.maxUploadBytes,
    maxDurationSeconds: cli.maxDurationSeconds,
    queueSize: cli.queueSize,
    concurrency: cli.concurrency,
    uploadTtlSeconds: cli.uploadTtlSeconds,
    logRequests: !cli.quiet,
  });
  io.stdout(
    `videoloom-serve listening on ${server.url} (device ${cli.device}, concurrency ${cli.concurrency}, ` +
      `queue ${cli.queueSize}; uploads in ${server.store.root})\n`,
  );
  return server;
}
