import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegTool, temporaryFolder } from '../../test/helpers/clips.js';
import { InvalidFrameSizeError, NotAVideoError } from '../errors/index.js';
import { FfmpegVideoSource } from '../ffmpeg-video-source.js';
import type { RgbFrame } from '../video-source.js';
import { decodePng, encodePng } from './png.js';
import { writeImage, writeMp4 } from './write-frames.js';

let dir: string;
beforeAll(async () => {
  dir = await temporaryFolder('write');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A frame with structure in every channel (gradients + hashed noise). */
function pattern(width: number, height: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = (x * 255) / (width - 1);
      data[o + 1] = (y * 255) / (height - 1);
      data[o + 2] = (x * 73856093) ^ ((y * 19349663) & 0xff);
    }
  }
  return { width, height, data };
}

/** ffmpeg's PNG/JPEG decoder as the independent reader of what we wrote. */
async function readWithFfmpeg(path: string): Promise<Buffer> {
  const binaries = await import('../ffmpeg/binaries.js').then((m) => m.resolveFfmpegBinaries());
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) =>
    execFile(
      binaries.ffmpeg,
      ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { encoding: 'buffer', maxBuffer: 1 << 28 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    ),
  );
}

describe('PNG', () => {
  it('round-trips through our decoder and reads back identically in ffmpeg', async () => {
    const frame = pattern(37, 23);
    const bytes = encodePng(frame);
    expect(Buffer.from(decodePng(bytes).data).equals(Buffer.from(frame.data))).toBe(true);
    const path = join(dir, 'p.png');
    await writeImage(path, frame);
    expect((await readWithFfmpeg(path)).equals(Buffer.from(frame.data))).toBe(true);
  });

  it('rejects a non-PNG and a wrong buffer size', () => {
    expect(() => decodePng(new TextEncoder().encode('hello'), 'x.png')).toThrow(NotAVideoError);
    expect(() => encodePng({ width: 4, height: 4, data: new Uint8Array(10) })).toThrow(InvalidFrameSizeError);
  });
});

describe('JPEG and mp4', () => {
  it('writes a JPEG close to the frame', async () => {
    const frame = pattern(64, 48);
    frame.data.forEach((_, i) => {
      if (i % 3 === 2) frame.data[i] = 128; // keep the noise channel smooth so JPEG error stays small
    });
    const path = join(dir, 'j.jpg');
    await writeImage(path, frame, { quality: 95 });
    const back = await readWithFfmpeg(path);
    let error = 0;
    for (let i = 0; i < back.length; i++) error += Math.abs(back[i]! - frame.data[i]!);
    expect(error / back.length).toBeLessThan(3);
  });

  it('writes an mp4 whose frames decode back in order, leaving no temporary file', async () => {
    const frames = [0, 1, 2, 3, 4].map((k) => ({
      width: 32,
      height: 32,
      data: new Uint8Array(32 * 32 * 3).fill(40 + 40 * k),
    }));
    const path = join(dir, 'clip.mp4');
    const { frameCount } = await writeMp4(path, frames, { frameRate: { numerator: 24, denominator: 1 } });
    expect(frameCount).toBe(5);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const source = new FfmpegVideoSource();
    const info = await source.probe(path);
    expect(info.frameCount).toBe(5);
    expect(info.frameRate).toEqual({ numerator: 24, denominator: 1 });
    for await (const f of source.decode(info, {
      outputs: [{ name: 'all', frameIndices: [0, 1, 2, 3, 4] }],
    })) {
      const mean = f.data.reduce((a, b) => a + b, 0) / f.data.length;
      expect(Math.abs(mean - (40 + 40 * f.frameIndex))).toBeLessThan(2);
    }
  });

  it('refuses mixed frame sizes and odd sizes with a typed error, keeping the old file', async () => {
    const path = join(dir, 'keep.mp4');
    await fs.writeFile(path, 'previous content');
    const frames = [
      { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) },
      { width: 16, height: 16, data: new Uint8Array(16 * 16 * 3) },
    ];
    await expect(writeMp4(path, frames, { frameRate: { numerator: 10, denominator: 1 } })).rejects.toThrow(
      InvalidFrameSizeError,
    );
    await expect(
      writeMp4(path, [{ width: 31, height: 32, data: new Uint8Array(31 * 32 * 3) }], {
        frameRate: { numerator: 10, denominator: 1 },
      }),
    ).rejects.toThrow(InvalidFrameSizeError);
    expect(await fs.readFile(path, 'utf8')).toBe('previous content');
    await expect(ffmpegTool('ffprobe', ['-v', 'error', path])).rejects.toBeTruthy();
  });
});
