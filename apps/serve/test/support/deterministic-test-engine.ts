// Test support only: a deterministic stand-in for the VideoLoom model, so the HTTP and page tests
// exercise the server without weights. It probes the uploaded file with the real FFmpeg source and
// encodes its masks with the real COCO RLE codec; the answer itself is a fixed function of the video
// and the question (see expectedTestAnswer). The real engine has its own end-to-end test.
import { encodeRle } from '@videoloom/metrics';
import { FfmpegVideoSource, frameTimeSeconds, rationalToNumber, type VideoInfo } from '@videoloom/video-io';
import type { AnswerEvent, AnswerResult, AskRequest, VideoQaEngine } from '../../src/engine.js';

/** The mask box of every test answer, as fractions of the frame: x in [1/4, 1/2), y in [1/4, 1/2). */
export function testMaskBox(
  width: number,
  height: number,
): { x0: number; x1: number; y0: number; y1: number } {
  return {
    x0: Math.floor(width / 4),
    x1: Math.floor(width / 2),
    y0: Math.floor(height / 4),
    y1: Math.floor(height / 2),
  };
}

function boxRle(width: number, height: number): { size: [number, number]; counts: string } {
  const data = new Uint8Array(width * height);
  const { x0, x1, y0, y1 } = testMaskBox(width, height);
  for (let y = y0; y < y1; y++) data.fill(1, y * width + x0, y * width + x1);
  const rle = encodeRle({ width, height, data });
  return { size: [rle.size[0], rle.size[1]], counts: rle.counts as string };
}

/**
 * The answer the test engine gives: span = frames floor(N/4) .. floor(3N/4) (when, combined); masks =
 * the box on every frame (where) or on the span's frames (combined); free text echoes the question.
 */
export function expectedTestAnswer(
  info: VideoInfo,
  request: Pick<AskRequest, 'task' | 'question'>,
): AnswerResult {
  const n = info.frameCount;
  const first = Math.floor(n / 4);
  const last = Math.floor((3 * n) / 4);
  const s = frameTimeSeconds(info, first);
  const e = frameTimeSeconds(info, last);
  const spanText = `from ${s.toFixed(2)} s to ${e.toFixed(2)} s`;
  const task = request.task;
  const span = task === 'when' || task === 'combined' ? { startSeconds: s, endSeconds: e } : null;
  const maskFrames =
    task === 'where'
      ? Array.from({ length: n }, (_, i) => i)
      : task === 'combined'
        ? Array.from({ length: last - first + 1 }, (_, i) => first + i)
        : [];
  const rle = maskFrames.length > 0 ? boxRle(info.width, info.height) : undefined;
  const text =
    task === 'when'
      ? `It happens ${spanText}.`
      : task === 'where'
        ? 'It is here [SEG].'
        : task === 'combined'
          ? `It happens ${spanText}, here [SEG].`
          : `You asked: ${request.question}`;
  return {
    text,
    span,
    masks: maskFrames.map((frameIndex) => ({
      frameIndex,
      timeSeconds: frameTimeSeconds(info, frameIndex),
      rle: rle as { size: [number, number]; counts: string },
    })),
    video: {
      width: info.width,
      height: info.height,
      fps: rationalToNumber(info.frameRate),
      frameCount: n,
      durationSeconds: info.durationSeconds,
    },
  };
}

/** The events the test engine emits before resolving with `result`, in order. */
export function expectedTestEvents(result: AnswerResult): AnswerEvent[] {
  const tokens = result.text.match(/\S+\s*/g) ?? [];
  const events: AnswerEvent[] = [
    { type: 'progress', stage: 'decode', done: 0, total: 1 },
    { type: 'progress', stage: 'decode', done: 1, total: 1 },
    { type: 'progress', stage: 'encode', done: 1, total: 1 },
  ];
  tokens.forEach((text, i) => {
    events.push({ type: 'token', text });
    events.push({ type: 'progress', stage: 'generate', done: i + 1, total: tokens.length });
  });
  if (result.span) events.push({ type: 'span', ...result.span });
  result.masks.forEach((mask, i) => {
    events.push({ type: 'mask', ...mask });
    events.push({ type: 'progress', stage: 'segment', done: i + 1, total: result.masks.length });
  });
  return events;
}

export interface DeterministicTestEngineOptions {
  /** ready() returns what this returns. @defaultValue resolved at once */
  readonly ready?: () => Promise<void>;
  /** Pause before each event, in milliseconds (abortable). @defaultValue 0 */
  readonly stepMs?: number;
  /** Each call waits after its first event until `release()` lets it go on (queue tests). */
  readonly hold?: boolean;
  /** answer() rejects with this error after its first event (engine failure tests). */
  readonly failWith?: Error;
  /** answer() resolves with this instead of the computed answer (malformed result tests). */
  readonly resultOverride?: unknown;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class DeterministicTestEngine implements VideoQaEngine {
  readonly requests: AskRequest[] = [];
  started = 0;
  finished = 0;
  aborted = 0;
  /** Calls running right now, and the most there ever were at once. */
  running = 0;
  maxRunning = 0;
  private readonly source = new FfmpegVideoSource();
  private readonly waitingForRelease: (() => void)[] = [];
  private released = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: DeterministicTestEngineOptions = {}) {}

  ready(): Promise<void> {
    return this.options.ready ? this.options.ready() : Promise.resolve();
  }

  /** Lets `count` held calls (present or future) go on. */
  release(count = 1): void {
    this.released += count;
    while (this.released > 0 && this.waitingForRelease.length > 0) {
      this.released--;
      this.waitingForRelease.shift()?.();
    }
  }

  /** Resolves when `predicate` holds (checked after every state change). */
  until(predicate: (engine: this) => boolean): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (predicate(this)) {
          this.listeners.delete(check);
          resolve();
        }
      };
      this.listeners.add(check);
    });
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  async answer(
    request: AskRequest,
    options: { signal: AbortSignal; onEvent?: (e: AnswerEvent) => void },
  ): Promise<AnswerResult> {
    const { signal } = options;
    this.requests.push(request);
    this.started++;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.changed();
    try {
      const info = await this.source.probe(request.videoPath);
      const result = expectedTestAnswer(info, request);
      const events = expectedTestEvents(result);
      for (const [i, event] of events.entries()) {
        if (this.options.stepMs) await pause(this.options.stepMs, signal);
        if (signal.aborted) throw signal.reason;
        options.onEvent?.(event);
        if (i === 0 && this.options.failWith) throw this.options.failWith;
        if (i === 0 && this.options.hold) await this.heldUntilReleased(signal);
      }
      if (this.options.resultOverride !== undefined) return this.options.resultOverride as AnswerResult;
      return result;
    } catch (error) {
      if (signal.aborted) this.aborted++;
      throw error;
    } finally {
      this.running--;
      this.finished++;
      this.changed();
    }
  }

  private heldUntilReleased(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.waitingForRelease.indexOf(go);
        if (index >= 0) this.waitingForRelease.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waitingForRelease.push(go);
      this.changed();
      this.release(0);
    });
  }

  /** Calls waiting for `release()` right now. */
  get held(): number {
    return this.waitingForRelease.length;
  }
}
