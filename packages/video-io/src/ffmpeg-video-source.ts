import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  CorruptVideoError,
  FfmpegProcessError,
  FrameSelectionError,
  InvalidFrameSizeError,
  MAX_FRAME_SIDE,
} from './errors/index.js';
import { type FfmpegBinaries, resolveFfmpegBinaries } from './ffmpeg/binaries.js';
import { rgbChain, selectByPtsExpression } from './ffmpeg/filter-graph.js';
import { probeWithFfprobe } from './ffmpeg/probe.js';
import { tail } from './ffmpeg/run-process.js';
import { formatRational, rationalToNumber, ticksToRational } from './rational.js';
import { ResizeRunner } from './resize/resize-pool.js';
import type {
  DecodedFrame,
  DecodeOutputRequest,
  DecodeRequest,
  ResizeFilter,
  VideoInfo,
  VideoSource,
} from './video-source.js';

/** Frames buffered per output before the reader stops pulling from FFmpeg (backpressure). */
const QUEUE_FRAMES = 2;

export interface FfmpegVideoSourceOptions {
  /** Explicit binaries; by default `resolveFfmpegBinaries()` (env vars, npm static build, PATH). */
  readonly binaries?: FfmpegBinaries;
  /**
   * Decoder threads per pass.
   * @defaultValue 0 (FFmpeg chooses)
   */
  readonly threads?: number;
}

interface PlannedOutput {
  readonly request: DecodeOutputRequest;
  readonly frameIndices: readonly number[];
  readonly resize: ResizeFilter;
  /** Size delivered to the caller. */
  readonly width: number;
  readonly height: number;
  /** Size FFmpeg writes to the pipe (the source size when the resize runs in JavaScript). */
  readonly pipeWidth: number;
  readonly pipeHeight: number;
}

function checkSize(path: string, width: number, height: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) {
    throw new InvalidFrameSizeError(path, `${width}x${height}`);
  }
  if (width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE)
    throw new InvalidFrameSizeError(path, `${width}x${height}`);
}

function planOutputs(info: VideoInfo, request: DecodeRequest): PlannedOutput[] {
  if (request.outputs.length === 0) throw new FrameSelectionError(info.path, -1, 'at least one output');
  const names = new Set<string>();
  return request.outputs.map((output) => {
    if (names.has(output.name))
      throw new FrameSelectionError(info.path, -1, `unique output names ("${output.name}" twice)`);
    names.add(output.name);
    const width = output.size?.width ?? info.width;
    const height = output.size?.height ?? info.height;
    checkSize(info.path, width, height);
    for (const index of output.frameIndices) {
      if (!Number.isInteger(index) || index < 0 || index >= info.frameCount) {
        throw new FrameSelectionError(
          info.path,
          index,
          `an integer frame index in 0..${info.frameCount - 1}`,
        );
      }
    }
    const frameIndices = [...new Set(output.frameIndices)].sort((a, b) => a - b);
    const resize = output.resize ?? 'pil-bicubic';
    const inDecoder = resize === 'swscale-bicubic';
    return {
      request: output,
      frameIndices,
      resize,
      width,
      height,
      pipeWidth: inDecoder ? width : info.width,
      pipeHeight: inDecoder ? height : info.height,
    };
  });
}

/** Collects bytes of one raw rgb24 pipe into whole frames. */
class FrameAssembler {
  private current: Uint8Array;
  private filled = 0;
  readonly frames: Uint8Array[] = [];

  constructor(readonly frameBytes: number) {
    this.current = new Uint8Array(frameBytes);
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        this.frames.push(this.current);
        this.current = new Uint8Array(this.frameBytes);
        this.filled = 0;
      }
    }
  }

  get partialBytes(): number {
    return this.filled;
  }
}

/**
 * The FFmpeg CLI backend: ffprobe for metadata, one ffmpeg process per decode pass. Every output of a
 * pass is a branch of one filter graph (`split` -> `select` by pts -> `showinfo` -> RGB + resize) written
 * as raw rgb24 to its own pipe, so N outputs cost one decode of the file.
 */
export class FfmpegVideoSource implements VideoSource {
  readonly name = 'ffmpeg-cli';
  private readonly binaries: Promise<FfmpegBinaries>;

  constructor(private readonly options: FfmpegVideoSourceOptions = {}) {
    this.binaries = options.binaries ? Promise.resolve(options.binaries) : resolveFfmpegBinaries();
    this.binaries.catch(() => {
      // reported by the first probe/decode call
    });
  }

  async probe(path: string): Promise<VideoInfo> {
    return probeWithFfprobe((await this.binaries).ffprobe, path);
  }

  async *decode(info: VideoInfo, request: DecodeRequest): AsyncGenerator<DecodedFrame> {
    const outputs = planOutputs(info, request);
    const { ffmpeg } = await this.binaries;
    // Expected delivery order: presentation order, outputs in request order for the same frame.
    const expected = outputs
      .flatMap((o, outputIndex) => o.frameIndices.map((frameIndex) => ({ frameIndex, outputIndex })))
      .sort((a, b) => a.frameIndex - b.frameIndex || a.outputIndex - b.outputIndex);
    const started = performance.now();
    request.onEvent?.({ type: 'decode-start', path: info.path, framesRequested: expected.length });
    if (expected.length === 0) {
      request.onEvent?.({ type: 'decode-end', path: info.path, framesDelivered: 0, wallSeconds: 0 });
      return;
    }

    const branches = outputs.map((o, i) => {
      const pts = o.frameIndices.map((index) => info.framePts[index]!);
      return `[s${i}]select='${selectByPtsExpression(pts)}',showinfo@o${i},${rgbChain(info, { width: o.width, height: o.height }, o.resize)}[o${i}]`;
    });
    const splitLabels = outputs.map((_, i) => `[s${i}]`).join('');
    const graph = `[0:${info.streamIndex}]split=${outputs.length}${splitLabels};\n${branches.join(';\n')}\n`;
    const scriptDir = await fs.mkdtemp(join(tmpdir(), 'videoloom-graph-'));
    const scriptPath = join(scriptDir, 'graph.txt');
    await fs.writeFile(scriptPath, graph);

    const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
    if (this.options.threads !== undefined) args.push('-threads', String(this.options.threads));
    // -copyts: filters see the stream's own pts (what ffprobe reports), not pts shifted to start at 0.
    // -noautorotate: frames keep the coded size the probe reported (rotation is metadata, see VideoInfo).
    args.push('-copyts', '-noautorotate', '-i', info.path, '-filter_complex_script', scriptPath);
    outputs.forEach((_, i) => {
      args.push(
        '-map',
        `[o${i}]`,
        '-vsync',
        'passthrough',
        '-f',
        'rawvideo',
        i === 0 ? 'pipe:1' : `pipe:${i + 2}`,
      );
    });
    const stdio: ('ignore' | 'pipe')[] = [
      'ignore',
      'pipe',
      'pipe',
      ...outputs.slice(1).map(() => 'pipe' as const),
    ];
    const child = spawn(ffmpeg, args, { stdio });
    const pipes = outputs.map((_, i) => child.stdio[i === 0 ? 1 : i + 2] as Readable);
    const assemblers = outputs.map((o) => new FrameAssembler(o.pipeWidth * o.pipeHeight * 3));
    const ptsQueues = outputs.map((): number[] => []);
    const stderrLines: string[] = [];
    let stderrRest = '';
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const showinfo = /^\[showinfo@o(\d+) @ [^\]]+\] n:\s*\d+ pts:\s*(-?\d+)/;
    child.stderr!.on('data', (chunk: Buffer) => {
      const lines = (stderrRest + chunk.toString('utf8')).split('\n');
      stderrRest = lines.pop() ?? '';
      for (const line of lines) {
        const match = showinfo.exec(line);
        if (match) ptsQueues[Number(match[1])]!.push(Number(match[2]));
        else if (!line.startsWith('[showinfo@')) {
          stderrLines.push(line);
          if (stderrLines.length > 40) stderrLines.shift();
        }
      }
      notify();
    });
    pipes.forEach((pipe, i) => {
      pipe.on('data', (chunk: Buffer) => {
        assemblers[i]!.push(chunk);
        // Pause here too, not only when the consumer pulls: a consumer busy between frames must not
        // let whole frames pile up (memory stays bounded by QUEUE_FRAMES per output).
        updateFlow();
        notify();
      });
      pipe.on('error', () => {
        // surfaced through the exit code
      });
    });
    const closed = new Promise<void>((resolve) => {
      child.on('close', (code, signal) => {
        exit = { code, signal };
        notify();
        resolve();
      });
      child.on('error', (error) => {
        spawnError = error;
        exit = { code: null, signal: null };
        notify();
        resolve();
      });
    });
    const onAbort = () => child.kill('SIGKILL');
    request.signal?.addEventListener('abort', onAbort, { once: true });

    // Resizing on a worker keeps this thread free to read the pipes, so FFmpeg decodes meanwhile.
    const resizer = new ResizeRunner();
    let position = 0;
    const updateFlow = () => {
      const awaited = expected[position]?.outputIndex;
      pipes.forEach((pipe, i) => {
        // Keep reading an output with a full queue only while the frame the consumer waits for is on
        // another output that has nothing yet (FFmpeg may be blocked writing this one).
        const blockingOther =
          awaited !== undefined && awaited !== i && assemblers[awaited]!.frames.length === 0;
        if (assemblers[i]!.frames.length >= QUEUE_FRAMES && !blockingOther) pipe.pause();
        else pipe.resume();
      });
    };
    const progressEvery = Math.max(1, Math.floor(expected.length / 10));
    try {
      while (position < expected.length) {
        request.signal?.throwIfAborted();
        const { frameIndex, outputIndex } = expected[position]!;
        const assembler = assemblers[outputIndex]!;
        const ptsQueue = ptsQueues[outputIndex]!;
        updateFlow();
        if (assembler.frames.length > 0 && ptsQueue.length > 0) {
          const data = assembler.frames.shift()!;
          const ptsTicks = ptsQueue.shift()!;
          const expectedPts = info.framePts[frameIndex]!;
          if (ptsTicks !== expectedPts) {
            throw new CorruptVideoError(info.path, frameIndex, `pts ${expectedPts}`, `pts ${ptsTicks}`);
          }
          const pts = ticksToRational(ptsTicks, info.timeBase);
          position++;
          if (position % progressEvery === 0 && position < expected.length) {
            request.onEvent?.({
              type: 'decode-progress',
              path: info.path,
              framesDelivered: position,
              framesRequested: expected.length,
            });
          }
          const output = outputs[outputIndex]!;
          const piped = { width: output.pipeWidth, height: output.pipeHeight, data };
          const frame =
            output.pipeWidth === output.width && output.pipeHeight === output.height
              ? piped
              : await resizer.resize(
                  piped,
                  output,
                  output.resize === 'pil-bilinear' ? 'bilinear' : 'bicubic',
                );
          yield {
            output: output.request.name,
            frameIndex,
            ptsTicks,
            pts,
            timeSeconds: rationalToNumber(pts),
            width: frame.width,
            height: frame.height,
            data: frame.data,
          };
          continue;
        }
        if (exit) {
          // The process is gone: drain what the pipes still hold before deciding it ended short.
          for (const pipe of pipes) pipe.resume();
          await Promise.all(
            pipes.map((p) => (p.closed || p.destroyed ? undefined : new Promise((r) => p.once('close', r)))),
          );
          if (assembler.frames.length > 0 && ptsQueue.length > 0) continue;
          if (spawnError) throw new FfmpegProcessError(info.path, ffmpeg, null, spawnError.message);
          request.signal?.throwIfAborted();
          throw new CorruptVideoError(
            info.path,
            frameIndex,
            `${expected.length} frames`,
            `${position} frames (ffmpeg exit ${exit.code}${exit.signal ? `, ${exit.signal}` : ''}): ${tail(stderrLines.join('\n'), 4)}`,
          );
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      // Everything requested has arrived: drain whatever else FFmpeg writes so it can never block on a
      // full pipe (a damaged file with duplicate pts could select an extra frame).
      for (const pipe of pipes) {
        pipe.removeAllListeners('data');
        pipe.resume();
      }
      await closed;
      if (exit?.code !== 0) {
        throw new FfmpegProcessError(
          info.path,
          'ffmpeg decode',
          exit?.code ?? null,
          tail(stderrLines.join('\n')),
        );
      }
      request.onEvent?.({
        type: 'decode-end',
        path: info.path,
        framesDelivered: position,
        wallSeconds: (performance.now() - started) / 1000,
      });
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      await resizer.close();
      if (!exit) child.kill('SIGKILL');
      // A consumer that stops early leaves pipes paused (backpressure) with data in them: they would
      // never end, and the child's 'close' (which waits for them) would never come.
      for (const pipe of pipes) pipe.destroy();
      await closed;
      await fs.rm(scriptDir, { recursive: true, force: true });
    }
  }
}

/** Formats a VideoInfo's timing for logs: "300 frames @ 30000/1001 fps, tb 1/30000, 10.01 s". */
export function describeTiming(info: VideoInfo): string {
  return `${info.frameCount} frames @ ${formatRational(info.frameRate)} fps, tb ${formatRational(info.timeBase)}, ${info.durationSeconds} s`;
}
