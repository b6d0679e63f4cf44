import { promises as fs } from 'node:fs';
import { extname } from 'node:path';
import { FfmpegProcessError, InvalidFrameSizeError } from '../errors/index.js';
import { type FfmpegBinaries, resolveFfmpegBinaries } from '../ffmpeg/binaries.js';
import { runProcess, tail } from '../ffmpeg/run-process.js';
import { formatRational, type Rational } from '../rational.js';
import type { RgbFrame } from '../video-source.js';
import { writeAtomically } from './atomic-write.js';
import { encodePng } from './png.js';

export interface WriteImageOptions {
  /**
   * JPEG quality 1..100 (ignored for PNG).
   * @defaultValue 92
   */
  readonly quality?: number;
  /** Binaries for JPEG encoding; by default resolved like the video source does. */
  readonly binaries?: FfmpegBinaries;
}

/** Writes a frame as PNG (built in) or JPEG (through ffmpeg), chosen by the extension; atomic. */
export async function writeImage(
  path: string,
  frame: RgbFrame,
  options: WriteImageOptions = {},
): Promise<void> {
  const extension = extname(path).toLowerCase();
  if (extension === '.png') {
    const bytes = encodePng(frame);
    await writeAtomically(path, (temporary) => fs.writeFile(temporary, bytes));
    return;
  }
  if (extension !== '.jpg' && extension !== '.jpeg') {
    throw new InvalidFrameSizeError(path, `extension "${extension}"`, 'a .png, .jpg or .jpeg path');
  }
  if (frame.data.length !== frame.width * frame.height * 3) {
    throw new InvalidFrameSizeError(
      path,
      `${frame.data.length} bytes`,
      `${frame.width}x${frame.height}x3 bytes`,
    );
  }
  const { ffmpeg } = options.binaries ?? (await resolveFfmpegBinaries());
  const quality = Math.min(100, Math.max(1, Math.round(options.quality ?? 92)));
  // mjpeg's qscale runs 2 (best) .. 31 (worst); map quality 100..1 onto it.
  const qscale = Math.round(2 + ((100 - quality) * 29) / 99);
  await writeAtomically(path, async (temporary) => {
    const result = await runProcess(
      ffmpeg,
      [
        '-v',
        'error',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-s',
        `${frame.width}x${frame.height}`,
        '-i',
        'pipe:0',
        '-frames:v',
        '1',
        '-c:v',
        'mjpeg',
        '-pix_fmt',
        'yuvj444p',
        '-q:v',
        String(qscale),
        '-f',
        'image2',
        '-y',
        temporary,
      ],
      frame.data,
    );
    if (result.exitCode !== 0)
      throw new FfmpegProcessError(path, 'ffmpeg mjpeg encode', result.exitCode, tail(result.stderr));
  });
}

export interface WriteVideoOptions {
  /** Frames per second as a rational, e.g. { numerator: 30000, denominator: 1001 }. */
  readonly frameRate: Rational;
  /**
   * x264 constant rate factor (0 = lossless .. 51).
   * @defaultValue 18
   */
  readonly crf?: number;
  readonly binaries?: FfmpegBinaries;
}

/**
 * Encodes rgb24 frames (all of one size, streamed: only one frame is held at a time) into an H.264 mp4
 * (yuv420p, BT.709, faststart) for previews and the data pipeline; atomic.
 */
export async function writeMp4(
  path: string,
  frames: AsyncIterable<RgbFrame> | Iterable<RgbFrame>,
  options: WriteVideoOptions,
): Promise<{ readonly frameCount: number }> {
  const iterator = (
    Symbol.asyncIterator in frames
      ? frames[Symbol.asyncIterator]()
      : (frames as Iterable<RgbFrame>)[Symbol.iterator]()
  ) as AsyncIterator<RgbFrame> | Iterator<RgbFrame>;
  const first = await iterator.next();
  if (first.done) throw new InvalidFrameSizeError(path, 'no frames', 'at least one frame');
  const { width, height } = first.value;
  if (width % 2 || height % 2)
    throw new InvalidFrameSizeError(path, `${width}x${height}`, 'even width and height (yuv420p)');
  const { ffmpeg } = options.binaries ?? (await resolveFfmpegBinaries());
  let frameCount = 0;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    let current: IteratorResult<RgbFrame> = first;
    while (!current.done) {
      const frame = current.value;
      if (frame.width !== width || frame.height !== height || frame.data.length !== width * height * 3) {
        throw new InvalidFrameSizeError(
          path,
          `frame ${frameCount}: ${frame.width}x${frame.height}`,
          `${width}x${height} like frame 0`,
        );
      }
      frameCount++;
      yield frame.data;
      current = await iterator.next();
    }
  }
  await writeAtomically(path, async (temporary) => {
    const result = await runProcess(
      ffmpeg,
      [
        '-v',
        'error',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-s',
        `${width}x${height}`,
        '-framerate',
        formatRational(options.frameRate),
        '-i',
        'pipe:0',
        '-c:v',
        'libx264',
        '-crf',
        String(options.crf ?? 18),
        '-preset',
        'medium',
        '-vf',
        'scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int',
        '-pix_fmt',
        'yuv420p',
        '-colorspace',
        'bt709',
        '-color_primaries',
        'bt709',
        '-color_trc',
        'bt709',
        '-color_range',
        'tv',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        '-y',
        temporary,
      ],
      bytes(),
    );
    if (result.exitCode !== 0)
      throw new FfmpegProcessError(path, 'ffmpeg libx264 encode', result.exitCode, tail(result.stderr));
  });
  return { frameCount };
}
