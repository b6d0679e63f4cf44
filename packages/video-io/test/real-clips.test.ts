import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FfmpegVideoSource } from '../src/ffmpeg-video-source.js';
import { rational } from '../src/rational.js';
import type { DecodedFrame } from '../src/video-source.js';
import { ffmpegToolBytes, ffprobeFramePts, sharedVideosDir } from './helpers/clips.js';

// The real clips are never committed: they are read from the shared data folder when it is there.
const videos = await sharedVideosDir();
const source = new FfmpegVideoSource();

/** Facts from the data folder's README (frame counts, exact rates, time bases, video durations, matrix). */
const CLIPS = [
  {
    file: '01_dog.mp4',
    frames: 289,
    fps: [30000, 1001],
    tb: [1, 30000],
    duration: [289 * 1001, 30000],
    matrix: 'bt709',
    size: [1280, 720],
  },
  {
    file: '02_cups.mp4',
    frames: 300,
    fps: [30000, 1001],
    tb: [1, 30000],
    duration: [300 * 1001, 30000],
    matrix: 'bt709',
    size: [1280, 720],
  },
  {
    file: '03_blocks.mp4',
    frames: 292,
    fps: [30000, 1001],
    tb: [1, 30000],
    duration: [292 * 1001, 30000],
    matrix: 'bt709',
    size: [1280, 720],
  },
  {
    file: '04_coffee.mp4',
    frames: 287,
    fps: [30000, 1001],
    tb: [1, 30000],
    duration: [287 * 1001, 30000],
    matrix: 'bt709',
    size: [1280, 720],
  },
  {
    file: '05_default_juggle.mp4',
    frames: 247,
    fps: [24, 1],
    tb: [1, 12288],
    duration: [247, 24],
    matrix: 'bt709',
    size: [1280, 720],
  },
  {
    file: 'bedroom.mp4',
    frames: 200,
    fps: [30, 1],
    tb: [1, 15360],
    duration: [200, 30],
    matrix: 'bt470bg',
    size: [960, 540],
  },
  {
    file: 'multishot.mp4',
    frames: 723,
    fps: [30, 1],
    tb: [1, 15360],
    duration: [723, 30],
    matrix: 'bt709',
    size: [640, 360],
  },
] as const;

describe.skipIf(!videos)('real clips', () => {
  const dir = videos ?? '';

  it.each(CLIPS)('$file: probe gives the video stream timing exactly', async (clip) => {
    const info = await source.probe(join(dir, clip.file));
    expect(info.frameCount).toBe(clip.frames);
    expect(info.frameRate).toEqual(rational(clip.fps[0], clip.fps[1]));
    expect(info.timeBase).toEqual(rational(clip.tb[0], clip.tb[1]));
    expect(info.duration).toEqual(rational(clip.duration[0], clip.duration[1]));
    expect(info.colorMatrix).toBe(clip.matrix);
    expect([info.width, info.height]).toEqual(clip.size);
    expect(info.isVariableFrameRate).toBe(false);
    expect(info.streamIndex).toBe(0);
  });

  it('01_dog: the video duration is the stream one, not the container one', async () => {
    const info = await source.probe(join(dir, '01_dog.mp4'));
    expect(info.durationSeconds).toBeCloseTo(9.642967, 6);
    expect(info.containerDurationSeconds).toBeCloseTo(9.664, 3);
  });

  it.each(CLIPS)(
    '$file: a 128-frame uniform sample carries exactly the pts ffprobe decodes',
    async (clip) => {
      const path = join(dir, clip.file);
      const info = await source.probe(path);
      const reference = await ffprobeFramePts(path);
      expect(reference).toHaveLength(clip.frames);
      const wanted = Array.from({ length: 128 }, (_, j) =>
        Math.min(Math.floor((j * clip.frames) / 128), clip.frames - 1),
      );
      const frames: DecodedFrame[] = [];
      // A small swscale size keeps this test cheap: the pixels do not matter here, the frame choice does.
      for await (const f of source.decode(info, {
        outputs: [
          { name: 'fast', frameIndices: wanted, size: { width: 32, height: 32 }, resize: 'swscale-bicubic' },
        ],
      })) {
        frames.push(f);
      }
      expect(frames.map((f) => f.frameIndex)).toEqual([...new Set(wanted)]);
      for (const f of frames) {
        expect(f.ptsTicks).toBe(reference[f.frameIndex]);
        // pts x time base, as an exact fraction: frame i of a 30000/1001 clip is at i*1001/30000 s
        expect(f.pts).toEqual(rational(f.frameIndex * clip.fps[1], clip.fps[0]));
      }
    },
    60_000,
  );

  it('02_cups: the last frame is at 9.976633 s', async () => {
    const info = await source.probe(join(dir, '02_cups.mp4'));
    for await (const f of source.decode(info, {
      outputs: [{ name: 'x', frameIndices: [299], size: { width: 8, height: 8 } }],
    })) {
      expect(f.pts).toEqual(rational(299299, 30000));
      expect(f.timeSeconds).toBeCloseTo(9.976633, 6);
    }
  });

  it("bedroom: decoded frame k matches the authors' JPEG k better than frames k-1 and k+1", async () => {
    const path = join(dir, 'bedroom.mp4');
    const info = await source.probe(path);
    const decoded = new Map<number, Uint8Array>();
    for await (const f of source.decode(info, {
      outputs: [{ name: 'full', frameIndices: [0, 1, 99, 100, 101, 198, 199] }],
    })) {
      decoded.set(f.frameIndex, f.data);
    }
    const psnr = (a: Uint8Array, b: Buffer) => {
      let se = 0;
      for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
      return 10 * Math.log10((255 * 255) / (se / a.length));
    };
    for (const [k, neighbours] of [
      [0, [1]],
      [100, [99, 101]],
      [199, [198]],
    ] as const) {
      const jpeg = await ffmpegToolBytes('ffmpeg', [
        '-v',
        'error',
        '-i',
        join(dir, 'bedroom_frames', `${String(k).padStart(5, '0')}.jpg`),
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-',
      ]);
      expect(jpeg.length).toBe(960 * 540 * 3);
      const own = psnr(decoded.get(k)!, jpeg);
      expect(own).toBeGreaterThan(35);
      for (const n of neighbours) expect(own).toBeGreaterThan(psnr(decoded.get(n)!, jpeg) + 10);
    }
  }, 60_000);
});
