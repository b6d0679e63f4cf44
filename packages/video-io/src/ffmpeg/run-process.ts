import { spawn } from 'node:child_process';

/** The outcome of a short child process whose whole output fits in memory (ffprobe, encoders). */
export interface ProcessResult {
  readonly exitCode: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a command to completion, optionally feeding stdin from an async iterable of buffers. */
export function runProcess(
  command: string,
  args: readonly string[],
  stdin?: AsyncIterable<Uint8Array> | Uint8Array,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) =>
      resolve({ exitCode, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    if (stdin && child.stdin) {
      const input = child.stdin;
      input.on('error', () => {
        // the process exited early; its exit code and stderr tell why
      });
      if (stdin instanceof Uint8Array) input.end(stdin);
      else {
        (async () => {
          for await (const chunk of stdin) {
            if (!input.write(chunk)) await new Promise((r) => input.once('drain', r));
          }
          input.end();
        })().catch((error) => {
          child.kill('SIGKILL');
          reject(error);
        });
      }
    }
  });
}

/** The last lines of a stderr text, for error messages. */
export function tail(text: string, lines = 8): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
