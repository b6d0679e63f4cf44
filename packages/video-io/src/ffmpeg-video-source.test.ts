import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegTool, ffprobeFramePts, makeTestsrcClip, temporaryFolder } from '../test/helpers/clips.js';
import {
  CorruptVideoError,
  EmptyVideoError,
  FrameSelectionError,
  InvalidFrameSizeError,
  NotAVideoError,
  NoVideoStreamError,
  VideoFileNotFoundError,
} from './errors/index.js';
import { FfmpegVideoSource } from './ffmpeg-video-source.js';
import { frameIndexAtSeconds, frameTimeSeconds } from './frame-times.js';
import { rational } from './rational.js';
import type { DecodedFrame, DecodeEvent, RgbFrame } from './video-source.js';
import { writeMp4 } from './write/write-frames.js';

const source = new FfmpegVideoSource();
let dir: string;
let ntscClip: string;
/** Clip whose frame i is a flat grey of level 20 + 5i (identifies frames without trusting the decoder). */
let levelsClip: string;
const LEVEL_FRAMES = 40;
const levelOf = (i: number) => 20 + 5 * i;

async function collect(iterable: AsyncIterable<DecodedFrame>): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of iterable) frames.push(frame);
  return frames;
}

function meanOf(frame: RgbFrame): number {
  let sum = 0;
  for (const v of frame.data) sum += v;
  return sum / frame.data.length;
}

beforeAll(async () => {
  dir = await temporaryFolder('source');
  ntscClip = await makeTestsrcClip(dir, 'ntsc.mp4', { fps: '30000/1001', frames: 48 });
  levelsClip = join(dir, 'levels.mp4');
  const frames = Array.from({ length: LEVEL_FRAMES }, (_, i) => ({
    width: 64,
    height: 48,
    data: new Uint8Array(64 * 48 * 3).fill(levelOf(i)),
  }));
  await writeMp4(levelsClip, frames, { frameRate: { numerator: 30000, denominator: 1001 }, crf: 10 });
}, 60_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('FfmpegVideoSource.probe', () => {
  it('reads the exact rational timing of a 29.97 fps clip and matches ffprobe frame pts', async () => {
    const info = await source.probe(ntscClip);
    expect(info.frameRate).toEqual({ numerator: 30000, denominator: 1001 });
    expect(info.frameCount).toBe(48);
    expect(info.width).toBe(160);
    expect(info.height).toBe(96);
    expect(info.isVariableFrameRate).toBe(false);
    const ticksPerFrame = (info.timeBase.denominator * 1001) / (30000 * info.timeBase.numerator);
    expect(Array.from(info.framePts)).toEqual(await ffprobeFramePts(ntscClip));
    expect(info.duration).toEqual(rational(48 * 1001, 30000));
    expect(info.framePts[47]).toBe(47 * ticksPerFrame);
  });

  it('detects a variable frame rate', async () => {
    const path = join(dir, 'vfr.mp4');
    await ffmpegTool('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      "testsrc=size=64x48:rate=30,setpts='if(lt(N,10),N,N*2)/(30*TB)'",
      '-frames:v',
      '30',
      '-vsync',
      'passthrough',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-y',
      path,
    ]);
    const info = await source.probe(path);
    expect(info.isVariableFrameRate).toBe(true);
    const frames = await collect(
      source.decode(info, { outputs: [{ name: 'all', frameIndices: [5, 9, 10, 20, 29] }] }),
    );
    const reference = await ffprobeFramePts(path);
    expect(frames.map((f) => f.ptsTicks)).toEqual([5, 9, 10, 20, 29].map((i) => reference[i]));
  });
});

describe('rotation metadata', () => {
  it('is reported by the probe and not applied: frames keep the coded size', async () => {
    const plain = await makeTestsrcClip(dir, 'unrotated.mp4', { frames: 6 });
    const path = join(dir, 'rotated.mp4');
    // The rotate tag becomes a display matrix when the muxer writes a copied stream.
    await ffmpegTool('ffmpeg', [
      '-v',
      'error',
      '-i',
      plain,
      '-c',
      'copy',
      '-metadata:s:v:0',
      'rotate=90',
      '-y',
      path,
    ]);
    const info = await source.probe(path);
    expect(Math.abs(info.rotationDegrees)).toBe(90);
    const frames = await collect(source.decode(info, { outputs: [{ name: 'f', frameIndices: [0, 5] }] }));
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [160, 96],
      [160, 96],
    ]);
  });
});

describe('FfmpegVideoSource.decode', () => {
  it('delivers exactly the requested frames, in order, with ffprobe pts', async () => {
    const info = await source.probe(levelsClip);
    expect(info.frameCount).toBe(LEVEL_FRAMES);
    const wanted = [39, 0, 7, 8, 20, 7];
    const events: DecodeEvent['type'][] = [];
    const frames = await collect(
      source.decode(info, {
        outputs: [{ name: 'f', frameIndices: wanted }],
        onEvent: (e) => events.push(e.type),
      }),
    );
    expect(frames.map((f) => f.frameIndex)).toEqual([0, 7, 8, 20, 39]);
    const reference = await ffprobeFramePts(levelsClip);
    for (const frame of frames) {
      expect(frame.ptsTicks).toBe(reference[frame.frameIndex]);
      expect(frame.timeSeconds).toBeCloseTo((frame.frameIndex * 1001) / 30000, 12);
      expect(frame.pts.numerator * 30000).toBe(frame.frameIndex * 1001 * frame.pts.denominator);
      expect(Math.abs(meanOf(frame) - levelOf(frame.frameIndex))).toBeLessThan(1.5);
    }
    expect(events[0]).toBe('decode-start');
    expect(events.at(-1)).toBe('decode-end');
  });

  it('fills several outputs at different sizes from one pass', async () => {
    const info = await source.probe(levelsClip);
    const frames = await collect(
      source.decode(info, {
        outputs: [
          { name: 'fast', frameIndices: [0, 10, 20, 30], size: { width: 32, height: 32 } },
          {
            name: 'slow',
            frameIndices: [10, 25],
            size: { width: 100, height: 50 },
            resize: 'swscale-bicubic',
          },
        ],
      }),
    );
    expect(frames.map((f) => `${f.output}:${f.frameIndex}`)).toEqual([
      'fast:0',
      'fast:10',
      'slow:10',
      'fast:20',
      'slow:25',
      'fast:30',
    ]);
    for (const f of frames) {
      expect(f.data.length).toBe(f.width * f.height * 3);
      expect(Math.abs(meanOf(f) - levelOf(f.frameIndex))).toBeLessThan(1.5);
    }
    expect(frames.find((f) => f.output === 'slow')).toMatchObject({ width: 100, height: 50 });
  });

  it('maps times to the frame on screen, exactly at NTSC frame boundaries', async () => {
    const info = await source.probe(ntscClip);
    expect(frameIndexAtSeconds(info, (30 * 1001) / 30000)).toBe(30);
    expect(frameIndexAtSeconds(info, (30 * 1001) / 30000 - 1e-4)).toBe(29);
    expect(frameIndexAtSeconds(info, 0)).toBe(0);
    expect(frameTimeSeconds(info, 47)).toBeCloseTo(1.568233, 6);
    expect(() => frameIndexAtSeconds(info, 99)).toThrow(FrameSelectionError);
  });

  it('an aborted decode ends with the abort reason, not a hang or a short result', async () => {
    const info = await source.probe(ntscClip);
    const controller = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const frame of source.decode(info, {
        outputs: [{ name: 'f', frameIndices: [0, 10, 20, 30, 40] }],
        signal: controller.signal,
      })) {
        seen.push(frame.frameIndex);
        if (seen.length === 1) controller.abort(new Error('stop here'));
      }
    })();
    await expect(run).rejects.toThrow('stop here');
    expect(seen).toEqual([0]);
  });

  it('stops the decoder when the consumer stops early', async () => {
    const info = await source.probe(ntscClip);
    let seen = 0;
    for await (const _ of source.decode(info, { outputs: [{ name: 'f', frameIndices: [1, 2, 3, 40] }] })) {
      seen++;
      if (seen === 2) break;
    }
    expect(seen).toBe(2);
  });

  it('stops the decoder when the consumer stops early with its pipes full (every frame requested)', async () => {
    const info = await source.probe(ntscClip);
    const frameIndices = Array.from({ length: info.frameCount }, (_, i) => i);
    let seen = 0;
    for await (const _ of source.decode(info, { outputs: [{ name: 'f', frameIndices }] })) {
      // Wait until FFmpeg has filled the queue and the pipe is paused, then leave.
      if (++seen === 1) await new Promise((resolve) => setTimeout(resolve, 300));
      if (seen === 2) break;
    }
    expect(seen).toBe(2);
  }, 20_000);
});

describe('bad input', () => {
  it('missing file -> VideoFileNotFoundError', async () => {
    await expect(source.probe(join(dir, 'nope.mp4'))).rejects.toSatisfy(VideoFileNotFoundError.isInstance);
  });

  it('a text file -> NotAVideoError naming the file', async () => {
    const path = join(dir, 'notes.mp4');
    await fs.writeFile(path, 'this is not a video\n'.repeat(50));
    const error = await source.probe(path).catch((e: unknown) => e);
    expect(NotAVideoError.isInstance(error)).toBe(true);
    expect((error as NotAVideoError).path).toBe(path);
  });

  it('a truncated mp4 (index at the end, cut) -> NotAVideoError', async () => {
    const whole = await makeTestsrcClip(dir, 'end-index.mp4', { frames: 60 });
    const bytes = await fs.readFile(whole);
    const path = join(dir, 'end-index-cut.mp4');
    await fs.writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(source.probe(path)).rejects.toSatisfy(NotAVideoError.isInstance);
  });

  it('a truncated mp4 (index first, data cut) -> CorruptVideoError', async () => {
    const whole = await makeTestsrcClip(dir, 'faststart.mp4', {
      frames: 60,
      extraArgs: ['-movflags', '+faststart'],
    });
    const bytes = await fs.readFile(whole);
    const path = join(dir, 'faststart-cut.mp4');
    await fs.writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const error = await source.probe(path).catch((e: unknown) => e);
    expect(CorruptVideoError.isInstance(error)).toBe(true);
    expect((error as CorruptVideoError).expected).toContain('60 frames');
  });

  it('a damaged frame inside an intact container -> CorruptVideoError at decode, naming the frame', async () => {
    const path = join(dir, 'mjpeg.mov');
    await ffmpegTool('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=10',
      '-frames:v',
      '20',
      '-c:v',
      'mjpeg',
      '-movflags',
      '+faststart',
      '-y',
      path,
    ]);
    // Wipe the start of the 11th JPEG (frame index 10): the decoder drops that frame.
    const bytes = await fs.readFile(path);
    const starts: number[] = [];
    for (let i = 0; i + 2 < bytes.length; i++) {
      if (bytes[i] === 0xff && bytes[i + 1] === 0xd8 && bytes[i + 2] === 0xff) starts.push(i);
    }
    expect(starts).toHaveLength(20);
    bytes.fill(0, starts[10]!, starts[10]! + 300);
    const damaged = join(dir, 'mjpeg-damaged.mov');
    await fs.writeFile(damaged, bytes);
    const info = await source.probe(damaged);
    expect(info.frameCount).toBe(20);
    const error = await collect(
      source.decode(info, { outputs: [{ name: 'f', frameIndices: [5, 10, 15] }] }),
    ).catch((e: unknown) => e);
    expect(CorruptVideoError.isInstance(error)).toBe(true);
    expect((error as CorruptVideoError).frameIndex).toBe(10);
    expect((error as CorruptVideoError).path).toBe(damaged);
    // The damaged frame last: the decode ends short instead of returning fewer frames.
    const short = await collect(
      source.decode(info, { outputs: [{ name: 'f', frameIndices: [5, 10] }] }),
    ).catch((e: unknown) => e);
    expect(CorruptVideoError.isInstance(short)).toBe(true);
    expect((short as CorruptVideoError).frameIndex).toBe(10);
  });

  it('an audio-only file -> NoVideoStreamError listing the streams', async () => {
    const path = join(dir, 'audio.m4a');
    await ffmpegTool('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=1',
      '-c:a',
      'aac',
      '-y',
      path,
    ]);
    const error = await source.probe(path).catch((e: unknown) => e);
    expect(NoVideoStreamError.isInstance(error)).toBe(true);
    expect((error as NoVideoStreamError).streamTypes).toEqual(['audio']);
  });

  it('a video stream with zero frames -> EmptyVideoError', async () => {
    const path = join(dir, 'empty.y4m');
    await fs.writeFile(path, 'YUV4MPEG2 W160 H96 F30:1 Ip A1:1 C420jpeg\n');
    await expect(source.probe(path)).rejects.toSatisfy(EmptyVideoError.isInstance);
  });

  it('a stored frame size beyond the limit -> InvalidFrameSizeError', async () => {
    const path = join(dir, 'wide.y4m');
    const width = 20000;
    const height = 2;
    await fs.writeFile(
      path,
      Buffer.concat([
        Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`),
        Buffer.alloc(width * height * 1.5, 128),
      ]),
    );
    await expect(source.probe(path)).rejects.toSatisfy(InvalidFrameSizeError.isInstance);
  });

  it('absurd requested sizes and indices -> typed errors before FFmpeg starts', async () => {
    const info = await source.probe(ntscClip);
    for (const size of [
      { width: 0, height: 10 },
      { width: 100000, height: 10 },
      { width: 10.5, height: 10 },
      { width: -4, height: 10 },
    ]) {
      await expect(
        collect(source.decode(info, { outputs: [{ name: 'x', frameIndices: [0], size }] })),
      ).rejects.toSatisfy(InvalidFrameSizeError.isInstance);
    }
    for (const index of [-1, 48, 1.5]) {
      await expect(
        collect(source.decode(info, { outputs: [{ name: 'x', frameIndices: [index] }] })),
      ).rejects.toSatisfy(FrameSelectionError.isInstance);
    }
  });
});
