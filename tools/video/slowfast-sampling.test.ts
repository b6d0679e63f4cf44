import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { IMAGENET_MEAN, IMAGENET_STD, sampleSlowFastTensors } from '@videoloom/slowfast';
import { FfmpegVideoSource, resolveFfmpegBinaries, writeMp4 } from '@videoloom/video-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// slowfast's SlowFast sampling with the real decoder (video-io's FFmpeg source). It lives here, not in
// slowfast, because slowfast may import video-io only as types (tools/boundaries/rules.json).
const execFileAsync = promisify(execFile);
const source = new FfmpegVideoSource();
let dir: string;
let levelsClip: string;
const FRAMES = 90;
const levelOf = (i: number) => 10 + 2 * i;

beforeAll(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'videoloom-slowfast-'));
  levelsClip = join(dir, 'levels.mp4');
  const frames = Array.from({ length: FRAMES }, (_, i) => ({
    width: 96,
    height: 64,
    data: new Uint8Array(96 * 64 * 3).fill(levelOf(i)),
  }));
  await writeMp4(levelsClip, frames, { frameRate: { numerator: 30000, denominator: 1001 }, crf: 8 });
}, 60_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function slotMean(data: Float32Array, slot: number, channel: number, size: number): number {
  const plane = size * size;
  let sum = 0;
  for (let p = 0; p < plane; p++) sum += data[(slot * 3 + channel) * plane + p]!;
  return sum / plane;
}

const normalised = (level: number, c: number) => (level / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;

describe('sampleSlowFastTensors', () => {
  it('puts each sampled frame in its slot, normalised, at 448 (MLLM) and 1024 (SAM2)', async () => {
    const events: string[] = [];
    const result = await sampleSlowFastTensors(source, levelsClip, {
      fast: { kind: 'uniform', frameCount: 32 },
      onEvent: (e) => events.push(e.type),
    });
    expect(result.fastPixels.dims).toEqual([32, 3, 448, 448]);
    expect(result.slowPixels.dims).toEqual([5, 3, 448, 448]);
    expect(result.sam2Pixels?.dims).toEqual([5, 3, 1024, 1024]);
    expect(result.timeline.frames.map((f) => f.frameIndex)).toEqual(
      Array.from({ length: 32 }, (_, j) => Math.floor((j * FRAMES) / 32)),
    );
    const tolerance = 2 / 255 / 0.224; // two grey levels after normalisation
    result.timeline.frames.forEach((f) => {
      for (let c = 0; c < 3; c++) {
        expect(
          Math.abs(
            slotMean(result.fastPixels.data, f.frameId, c, 448) - normalised(levelOf(f.frameIndex), c),
          ),
        ).toBeLessThan(tolerance);
      }
    });
    result.slowKeyframes.forEach((k) => {
      expect(
        Math.abs(
          slotMean(result.slowPixels.data, k.keyframeId, 1, 448) - normalised(levelOf(k.frameIndex), 1),
        ),
      ).toBeLessThan(tolerance);
      expect(
        Math.abs(
          slotMean(result.sam2Pixels!.data, k.keyframeId, 1, 1024) - normalised(levelOf(k.frameIndex), 1),
        ),
      ).toBeLessThan(tolerance);
    });
    expect(events[0]).toBe('decode-start');
    expect(events.at(-1)).toBe('decode-end');
  }, 60_000);

  it('puts slow keyframes inside a requested span', async () => {
    const result = await sampleSlowFastTensors(source, levelsClip, {
      fast: 'spatial',
      slowSpan: { startSeconds: 1, endSeconds: 2 },
      sam2Size: 0,
    });
    expect(result.sam2Pixels).toBeUndefined();
    expect(result.timeline.length).toBe(64);
    for (const k of result.slowKeyframes) {
      expect(k.timeSeconds).toBeGreaterThanOrEqual(1 - 1001 / 30000);
      expect(k.timeSeconds).toBeLessThan(2);
    }
  }, 60_000);
});

const shared =
  process.env.VIDEOLOOM_SHARED_DIR ??
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');
const cups = join(shared, 'data', 'videos', '02_cups.mp4');
const haveCups = await fs.access(cups).then(
  () => true,
  () => false,
);
if (!haveCups)
  console.warn(
    `[tools-video tests] ${cups} not found: skipping the real-video sample (set VIDEOLOOM_SHARED_DIR).`,
  );

describe.skipIf(!haveCups)('02_cups.mp4 (real clip)', () => {
  it("128 fast + 5 slow frames whose times are ffprobe's pts exactly", async () => {
    const result = await sampleSlowFastTensors(source, cups);
    expect(result.fastPixels.dims).toEqual([128, 3, 448, 448]);
    expect(result.sam2Pixels?.dims).toEqual([5, 3, 1024, 1024]);
    const { ffprobe } = await resolveFfmpegBinaries();
    const { stdout } = await execFileAsync(
      ffprobe,
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts', '-of', 'json', cups],
      {
        maxBuffer: 1 << 26,
      },
    );
    const pts = (JSON.parse(stdout) as { frames: { pts: number }[] }).frames.map((f) => f.pts);
    for (const f of result.timeline.frames) {
      // time base 1/30000: frame time = pts / 30000 exactly
      expect(f.pts).toEqual({ numerator: pts[f.frameIndex]!, denominator: 30000 });
    }
    expect(result.timeline.frames[127]!.timeSeconds).toBeCloseTo((297 * 1001) / 30000, 12);
    for (const k of result.slowKeyframes) expect(k.pts.numerator).toBe(pts[k.frameIndex]);
    // the tensors are filled (no slot left at zero)
    for (let slot = 0; slot < 128; slot++) expect(slotMean(result.fastPixels.data, slot, 0, 448)).not.toBe(0);
  }, 120_000);
});
