import os from 'node:os';
import type { VideoSource } from '@videoloom/video-io';
import type { VideoQaEngine } from './engine.js';
import { InvalidServeOptionError } from './errors/index.js';

/** Everything `startServer` / `createServeApp` accepts. Only `engine` is required. */
export interface ServeOptions {
  /** The model. `ready()` is called once at start; /readyz answers 503 until it resolves. */
  readonly engine: VideoQaEngine;
  /** @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @defaultValue 8080 */
  readonly port?: number;
  /** Largest accepted upload (413 beyond). @defaultValue 200 MiB */
  readonly maxUploadBytes?: number;
  /** Longest accepted video stream (422 beyond). @defaultValue 600 */
  readonly maxDurationSeconds?: number;
  /** Engine calls that may run at once. @defaultValue 1 */
  readonly concurrency?: number;
  /** Asks that may wait for a free engine slot; one more is answered 429. @defaultValue 8 */
  readonly queueSize?: number;
  /** An upload is deleted this long after it was last uploaded or asked about. @defaultValue 3600 */
  readonly uploadTtlSeconds?: number;
  /** Longest accepted question, in characters after trimming. @defaultValue 1000 */
  readonly maxQuestionChars?: number;
  /** Parent of the temporary area `videoloom-serve-<pid>/`. @defaultValue os.tmpdir() */
  readonly tempRoot?: string;
  /** Folder holding the built page (index.html, app.js). @defaultValue this app's `dist/web` */
  readonly webRoot?: string;
  /** Probes uploads. @defaultValue a new FfmpegVideoSource */
  readonly videoSource?: VideoSource;
  /** Request log lines on stdout (pino JSON). @defaultValue false */
  readonly logRequests?: boolean;
  /** Milliseconds clock for upload expiry (tests pass their own). @defaultValue Date.now */
  readonly clock?: () => number;
}

/** `ServeOptions` with every default filled in and every number checked. */
export interface ResolvedServeOptions {
  readonly engine: VideoQaEngine;
  readonly host: string;
  readonly port: number;
  readonly maxUploadBytes: number;
  readonly maxDurationSeconds: number;
  readonly concurrency: number;
  readonly queueSize: number;
  readonly uploadTtlSeconds: number;
  readonly maxQuestionChars: number;
  readonly tempRoot: string;
  readonly webRoot: string | undefined;
  readonly videoSource: VideoSource | undefined;
  readonly logRequests: boolean;
  readonly clock: () => number;
}

export const SERVE_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  maxUploadBytes: 200 * 1024 * 1024,
  maxDurationSeconds: 600,
  concurrency: 1,
  queueSize: 8,
  uploadTtlSeconds: 3600,
  maxQuestionChars: 1000,
});

function check(name: string, value: number, expected: string, ok: (v: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new InvalidServeOptionError(name, expected, JSON.stringify(value) ?? String(value));
  }
  return value;
}

const positiveInteger = (v: number) => Number.isInteger(v) && v >= 1;

/** Fills in defaults and throws `InvalidServeOptionError` naming the first bad option. */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  const engine = options.engine;
  if (
    !engine ||
    typeof (engine as Partial<VideoQaEngine>).ready !== 'function' ||
    typeof (engine as Partial<VideoQaEngine>).answer !== 'function'
  ) {
    throw new InvalidServeOptionError(
      'engine',
      'an object with ready() and answer() (VideoQaEngine)',
      typeof engine,
    );
  }
  const d = SERVE_DEFAULTS;
  return {
    engine,
    host: options.host ?? d.host,
    port: check(
      'port',
      options.port ?? d.port,
      'an integer port in 0..65535',
      (v) => Number.isInteger(v) && v >= 0 && v <= 65535,
    ),
    maxUploadBytes: check(
      'maxUploadBytes',
      options.maxUploadBytes ?? d.maxUploadBytes,
      'a positive integer number of bytes',
      positiveInteger,
    ),
    maxDurationSeconds: check(
      'maxDurationSeconds',
      options.maxDurationSeconds ?? d.maxDurationSeconds,
      'a positive number of seconds',
      (v) => v > 0,
    ),
    concurrency: check(
      'concurrency',
      options.concurrency ?? d.concurrency,
      'a positive integer',
      positiveInteger,
    ),
    queueSize: check(
      'queueSize',
      options.queueSize ?? d.queueSize,
      'a non-negative integer',
      (v) => Number.isInteger(v) && v >= 0,
    ),
    uploadTtlSeconds: check(
      'uploadTtlSeconds',
      options.uploadTtlSeconds ?? d.uploadTtlSeconds,
      'a positive number of seconds',
      (v) => v > 0,
    ),
    maxQuestionChars: check(
      'maxQuestionChars',
      options.maxQuestionChars ?? d.maxQuestionChars,
      'a positive integer',
      positiveInteger,
    ),
    tempRoot: options.tempRoot ?? os.tmpdir(),
    webRoot: options.webRoot,
    videoSource: options.videoSource,
    logRequests: options.logRequests ?? false,
    clock: options.clock ?? Date.now,
  };
}
