/**
 * TEST STAND-IN for @videoloom/video-io, used until that package is wired into the pipeline: decodes
 * a video with the static ffmpeg binary of the `@ffmpeg-installer/linux-x64` dev dependency into the
 * data package's `FrameSource` shape, and builds test concatenations of real clips. Runtime code never
 * decodes by itself; it is handed an `OpenFrames` function.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DecodedFrame, FrameSource } from '../../src/frames/frame-source.js';

const require = createRequire(import.meta.url);

/** Path of the ffmpeg binary shipped by the dev dependency. */
export function ffmpegPath(): string {
  return path.join(path.dirname(require.resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
}

/** Width and height of the first video stream. */
export function probeSize(videoPath: string): { width: number; height: number } {
  const r = spawnSync(ffmpegPath(), ['-hide_banner', '-i', videoPath], { encoding: 'utf8' });
  const m = /Stream #\d+:\d+.*Video: .*?(\d{2,5})x(\d{2,5})/.exec(r.stderr);
  if (!m) throw new Error(`ffmpeg could not read a video stream from ${videoPath}:\n${r.stderr}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/**
 * Decodes every frame of `videoPath` in one pass, with its exact pts time (from ffmpeg's showinfo),
 * optionally scaled to `width` x `height`.
 */
export function ffmpegFrames(videoPath: string, size?: { width: number; height: number }): FrameSource {
  return {
    async *[Symbol.asyncIterator](): AsyncGenerator<DecodedFrame> {
      const { width, height } = size ?? probeSize(videoPath);
      const filters = `${size ? `scale=${width}:${height}:flags=area,` : ''}showinfo`;
      const child = spawn(
        ffmpegPath(),
        [
          '-hide_banner',
          '-nostats',
          '-i',
          videoPath,
          '-map',
          '0:v:0',
          '-vsync',
          '0',
          '-vf',
          filters,
          '-f',
          'rawvideo',
          '-pix_fmt',
          'rgb24',
          '-',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const times: number[] = [];
      let stderrTail = '';
      let wake: (() => void) | undefined;
      let exited = false;
      let exitCode: number | null = null;
      const notify = (): void => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderrTail = (stderrTail + chunk).slice(-20000);
        const lines = stderrTail.split('\n');
        stderrTail = lines.pop() ?? '';
        for (const line of lines) {
          const m = /Parsed_showinfo.*\bn:\s*(\d+).*\bpts_time:\s*([-\d.e]+)/.exec(line);
          if (m) times[Number(m[1])] = Number(m[2]);
        }
        notify();
      });
      const frameBytes = width * height * 3;
      const chunks: Buffer[] = [];
      let buffered = 0;
      child.stdout.on('data', (c: Buffer) => {
        chunks.push(c);
        buffered += c.length;
        if (buffered > frameBytes * 8) child.stdout.pause();
        notify();
      });
      child.on('close', (code) => {
        exited = true;
        exitCode = code;
        notify();
      });
      const waitForMore = (): Promise<void> => new Promise((resolve) => (wake = resolve));
      let frameIndex = 0;
      try {
        for (;;) {
          if (buffered >= frameBytes && times[frameIndex] !== undefined) {
            const all = Buffer.concat(chunks);
            chunks.length = 0;
            const rgb = new Uint8Array(all.subarray(0, frameBytes));
            const rest = all.subarray(frameBytes);
            if (rest.length) chunks.push(rest);
            buffered = rest.length;
            if (buffered <= frameBytes * 8) child.stdout.resume();
            yield { frameIndex, timeSeconds: times[frameIndex]!, width, height, rgb };
            frameIndex++;
            continue;
          }
          if (exited) {
            if (buffered >= frameBytes)
              throw new Error(`ffmpeg gave frame ${frameIndex} of ${videoPath} without a pts time`);
            if (exitCode !== 0) throw new Error(`ffmpeg exited with ${exitCode} decoding ${videoPath}`);
            return;
          }
          await waitForMore();
        }
      } finally {
        if (!exited) child.kill('SIGKILL');
      }
    },
  };
}

/** One piece of a test concatenation: frames [startFrame, endFrame) of a clip after resampling to the common rate. */
export interface ClipPiece {
  readonly file: string;
  readonly startFrame: number;
  readonly endFrame: number;
}

/**
 * Concatenates pieces of real clips into one H.264 file with hard cuts, every piece scaled to
 * `width` x `height` at `fps` (constant), and returns the true cut frame indices (first frame of each
 * piece after the first).
 */
export function makeConcatenation(
  pieces: readonly ClipPiece[],
  outPath: string,
  options: { width: number; height: number; fps: number },
): { cutFrames: number[]; frameCount: number } {
  const inputs = pieces.flatMap((p) => ['-i', p.file]);
  const chains = pieces.map(
    (p, i) =>
      `[${i}:v]scale=${options.width}:${options.height}:flags=bicubic,setsar=1,fps=${options.fps},` +
      `trim=start_frame=${p.startFrame}:end_frame=${p.endFrame},setpts=PTS-STARTPTS[v${i}]`,
  );
  const graph = `${chains.join(';')};${pieces.map((_, i) => `[v${i}]`).join('')}concat=n=${pieces.length}:v=1:a=0[out]`;
  const r = spawnSync(
    ffmpegPath(),
    [
      '-hide_banner',
      '-y',
      ...inputs,
      '-filter_complex',
      graph,
      '-map',
      '[out]',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '16',
      '-pix_fmt',
      'yuv420p',
      '-threads',
      '2',
      outPath,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg concat failed:\n${r.stderr.slice(-3000)}`);
  const cutFrames: number[] = [];
  let at = 0;
  for (const p of pieces) {
    if (at > 0) cutFrames.push(at);
    at += p.endFrame - p.startFrame;
  }
  return { cutFrames, frameCount: at };
}

/** Where the shared real clips are; tests skip with a notice when absent. */
export function sharedVideosDir(): string {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../../..');
  return path.join(process.env.VIDEOLOOM_SHARED_DIR ?? path.join(root, 'shared'), 'data', 'videos');
}

/** Encodes RGB frames (uint8[height, width, 3] each) into an H.264 file at `fps` (test videos made at test time). */
export function encodeRgbVideo(
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  fps: number,
  outPath: string,
): void {
  const r = spawnSync(
    ffmpegPath(),
    [
      '-hide_banner',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${width}x${height}`,
      '-r',
      String(fps),
      '-i',
      '-',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '10',
      '-pix_fmt',
      'yuv420p',
      outPath,
    ],
    {
      input: Buffer.concat(frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))),
      encoding: 'buffer',
    },
  );
  if (r.status !== 0) throw new Error(`ffmpeg encode failed:\n${r.stderr.toString().slice(-2000)}`);
}
