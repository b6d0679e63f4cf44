import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodedFrame, FrameSource } from '../src/frames/frame-source.js';
import { partitionShots } from '../src/shots/shot-partition.js';
import { ffmpegFrames, makeConcatenation, sharedVideosDir } from './helpers/ffmpeg-frames.js';

const videos = sharedVideosDir();
const haveVideos = fs.existsSync(path.join(videos, '01_dog.mp4'));
if (!haveVideos)
  console.warn(`[data] shared real videos not found at ${videos}: real-clip shot tests are skipped.`);
const clip = (name: string) => path.join(videos, name);
const CLIPS = [
  '01_dog.mp4',
  '02_cups.mp4',
  '03_blocks.mp4',
  '04_coffee.mp4',
  '05_default_juggle.mp4',
  'bedroom.mp4',
];

async function collect(source: FrameSource, limit: number): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  for await (const f of source) {
    out.push(f);
    if (out.length >= limit) break;
  }
  return out;
}

describe.skipIf(!haveVideos)('shot partition on real clips', () => {
  it.each(CLIPS)('finds no cut inside the single continuous shot %s', async (name) => {
    const p = await partitionShots(ffmpegFrames(clip(name), { width: 320, height: 180 }), {
      minShotSeconds: 0,
    });
    expect(p.contentCuts).toEqual([]);
    expect(p.ktsCuts).toEqual([]);
    expect(p.shots).toHaveLength(1);
  });

  it('finds every hard cut of a concatenation of the six clips within one frame, and nothing else', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loomdata-concat-'));
    try {
      const out = path.join(dir, 'concat.mp4');
      // Pieces of every clip (24, 29.97 and 30 fps sources resampled to 30), the dog clip twice.
      const truth = makeConcatenation(
        [
          { file: clip('01_dog.mp4'), startFrame: 0, endFrame: 120 },
          { file: clip('02_cups.mp4'), startFrame: 10, endFrame: 160 },
          { file: clip('05_default_juggle.mp4'), startFrame: 0, endFrame: 100 },
          { file: clip('03_blocks.mp4'), startFrame: 30, endFrame: 180 },
          { file: clip('bedroom.mp4'), startFrame: 0, endFrame: 150 },
          { file: clip('04_coffee.mp4'), startFrame: 0, endFrame: 140 },
          { file: clip('01_dog.mp4'), startFrame: 200, endFrame: 280 },
        ],
        out,
        { width: 320, height: 180, fps: 30 },
      );
      const p = await partitionShots(ffmpegFrames(out));
      expect(p.frameCount).toBe(truth.frameCount);
      expect(p.boundaries).toHaveLength(truth.cutFrames.length);
      const offsets = p.boundaries.map((b, i) => Math.abs(b.frameIndex - truth.cutFrames[i]!));
      expect(Math.max(...offsets)).toBeLessThanOrEqual(1);
      // Both detectors see every hard cut; the combination keeps the frame-exact content cut.
      expect(p.contentCuts).toEqual(truth.cutFrames);
      expect(p.boundaries.every((b) => b.source === 'content')).toBe(true);
      expect(p.kept).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a 1 s dissolve between two clips through KTS, which the frame difference misses', async () => {
    const size = { width: 320, height: 180 };
    const a = await collect(ffmpegFrames(clip('05_default_juggle.mp4'), size), 90);
    const b = await collect(ffmpegFrames(clip('04_coffee.mp4'), size), 90);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 60; i++) frames.push(a[i]!.rgb);
    for (let k = 0; k < 30; k++) {
      const alpha = (k + 1) / 31;
      const from = a[60 + k]!.rgb;
      const to = b[k]!.rgb;
      frames.push(from.map((v, j) => Math.round((1 - alpha) * v + alpha * to[j]!)));
    }
    for (let i = 30; i < 90; i++) frames.push(b[i]!.rgb);
    const source: FrameSource = {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < frames.length; i++)
          yield { frameIndex: i, timeSeconds: i / 30, ...size, rgb: frames[i]! };
      },
    };
    const p = await partitionShots(source);
    expect(p.contentCuts).toEqual([]);
    expect(p.boundaries).toHaveLength(1);
    expect(p.boundaries[0]!.source).toBe('kts');
    expect(p.boundaries[0]!.frameIndex).toBeGreaterThanOrEqual(60);
    expect(p.boundaries[0]!.frameIndex).toBeLessThanOrEqual(90);
  });
});
