import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ScorerUnavailableError } from '../errors/index.js';

/** Environment variable naming the official `meteor-1.5.jar` (with its `data/paraphrase-en.gz` beside it). */
export const METEOR_JAR_ENV = 'VIDEOLOOM_METEOR_JAR';

/** Where the METEOR jar is, or why it cannot be used. */
export type MeteorAvailability =
  | { readonly available: true; readonly jarPath: string; readonly java: string }
  | { readonly available: false; readonly reason: string };

/** Resolves the METEOR 1.5 jar from an explicit path or `VIDEOLOOM_METEOR_JAR`, and java from `JRE_BIN_JAVA` or PATH. */
export function findMeteor(jarPath?: string, env: NodeJS.ProcessEnv = process.env): MeteorAvailability {
  const jar = jarPath ?? env[METEOR_JAR_ENV];
  if (!jar) {
    return {
      available: false,
      reason: `METEOR 1.5 is a Java program (meteor-1.5.jar + paraphrase table) and no jar was given: pass --meteor-jar PATH or set ${METEOR_JAR_ENV}`,
    };
  }
  if (!existsSync(jar)) return { available: false, reason: `the METEOR jar ${jar} does not exist` };
  return { available: true, jarPath: jar, java: env.JRE_BIN_JAVA ?? 'java' };
}

/**
 * The official METEOR wrapper (`java -jar -Xmx2G meteor-1.5.jar - - -stdio -l en -norm`), kept running for a
 * whole evaluation: one `SCORE ||| refs ||| hyp` line per pair, then `EVAL ||| stats…` returns the per-pair
 * scores and the aggregate, exactly as pycocoevalcap's `Meteor.compute_score`.
 */
export class MeteorJar {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = '';
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly lines: string[] = [];
  private failure: Error | undefined;

  constructor(
    readonly jarPath: string,
    java = 'java',
  ) {
    this.proc = spawn(java, ['-jar', '-Xmx2G', jarPath, '-', '-', '-stdio', '-l', 'en', '-norm']);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl = this.buffer.indexOf('\n');
      while (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
        nl = this.buffer.indexOf('\n');
      }
    });
    this.proc.on('error', (e) => {
      this.failure = new ScorerUnavailableError('METEOR', `cannot start ${java}: ${e.message}`, { cause: e });
    });
  }

  private readLine(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.proc.once('exit', (code) =>
        reject(this.failure ?? new ScorerUnavailableError('METEOR', `java exited with code ${code}`)),
      );
    });
  }

  private write(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }

  /**
   * Scores `hypotheses[key]` against `references[key]` for the keys in Python's sorted (string) order, as the
   * official wrapper does. Returns the per-key scores in that order and the aggregate.
   */
  async computeScore(
    references: Record<string, readonly string[]>,
    hypotheses: Record<string, string>,
  ): Promise<{ score: number; keys: string[]; scores: number[] }> {
    const keys = Object.keys(references).sort();
    const stats: string[] = [];
    for (const k of keys) {
      const hypo = (hypotheses[k] ?? '').replace(/\|\|\|/g, '').replace(/ {2}/g, ' ');
      this.write(['SCORE', (references[k] ?? []).join(' ||| '), hypo].join(' ||| '));
      stats.push((await this.readLine()).trim());
    }
    this.write(`EVAL ||| ${stats.join(' ||| ')}`);
    const scores: number[] = [];
    for (let i = 0; i < keys.length; i++) scores.push(Number.parseFloat(await this.readLine()));
    const score = Number.parseFloat(await this.readLine());
    return { score, keys, scores };
  }

  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}
