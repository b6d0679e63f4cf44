import { markerCheck, VideoIoError } from './video-io-error.js';

const notFoundMarker = Symbol.for('videoloom.error.FfmpegNotFoundError');
const processMarker = Symbol.for('videoloom.error.FfmpegProcessError');

/** One place an FFmpeg binary was looked for. */
export interface BinaryAttempt {
  readonly path: string;
  readonly reason: string;
}

/** No usable ffmpeg/ffprobe binary: not from the env var, the npm package or PATH. */
export class FfmpegNotFoundError extends VideoIoError {
  readonly [notFoundMarker] = true;
  readonly name = 'VL_FfmpegNotFoundError' as const;
  static readonly isInstance = markerCheck<FfmpegNotFoundError>(notFoundMarker);

  constructor(
    /** 'ffmpeg' or 'ffprobe'. */
    readonly tool: string,
    readonly attempts: readonly BinaryAttempt[],
  ) {
    const lines = attempts.map((a) => `  - ${a.path}: ${a.reason}`);
    super(
      `No usable ${tool} binary. Tried:\n${lines.join('\n')}\n` +
        `Install the optional dependency (Linux x64), put ${tool} on PATH, or set VIDEOLOOM_${tool.toUpperCase()} to its path.`,
    );
  }
}

/** FFmpeg/ffprobe exited with an error that is not one of the typed input problems. */
export class FfmpegProcessError extends VideoIoError {
  readonly [processMarker] = true;
  readonly name = 'VL_FfmpegProcessError' as const;
  static readonly isInstance = markerCheck<FfmpegProcessError>(processMarker);

  constructor(
    /** The input or output file the command worked on. */
    readonly path: string,
    readonly command: string,
    readonly exitCode: number | null,
    /** The last lines FFmpeg wrote to stderr. */
    readonly stderrTail: string,
  ) {
    super(
      `${command} failed on ${path} (exit code ${exitCode}). FFmpeg said:\n${stderrTail}\n` +
        'Check that the file is a valid video and the output folder is writable.',
    );
  }
}
