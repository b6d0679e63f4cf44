import { promises as fs, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegTool, temporaryFolder } from '../../test/helpers/clips.js';
import { FfmpegVideoSource } from '../ffmpeg-video-source.js';
import type { DecodedFrame, ResizeFilter, VideoInfo } from '../video-source.js';
import { decodePng } from '../write/png.js';

// Resizing inside a decode pass, checked against Pillow's output for the same RGB picture (the
// fixture source stored losslessly as an RGB video, so YCbCr conversion plays no part).
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'resize');
const load = (name: string) => decodePng(readFileSync(join(fixtures, name)), name);

const source = new FfmpegVideoSource();
let dir: string;
let info: VideoInfo;

beforeAll(async () => {
  dir = await temporaryFolder('decode-resize');
  const picture = load('source-960x540.png');
  const raw = join(dir, 'source.rgb');
  await fs.writeFile(raw, picture.data);
  const video = join(dir, 'source.nut');
  await ffmpegTool('ffmpeg', [
    '-v',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    '960x540',
    '-r',
    '1',
    '-i',
    raw,
    '-c:v',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-y',
    video,
  ]);
  info = await source.probe(video);
}, 60_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function decodeAt(size: number, resize: ResizeFilter): Promise<DecodedFrame> {
  for await (const frame of source.decode(info, {
    outputs: [{ name: 'x', frameIndices: [0], size: { width: size, height: size }, resize }],
  })) {
    return frame;
  }
  throw new Error('no frame');
}

function difference(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}

describe('resizing during decode', () => {
  it.each([448, 1024])("'pil-bicubic' at %i is bit-identical to Pillow", async (size) => {
    const expected = load(`source-960x540-to-${size}x${size}-bicubic.png`);
    const frame = await decodeAt(size, 'pil-bicubic');
    expect(difference(frame.data, expected.data)).toEqual({ max: 0, mean: 0 });
  });

  // swscale's bicubic (B = 0, C = 0.5, widened on downscale) is the same kernel family, not the same
  // arithmetic. This picture is a worst case (a zone plate up to the Nyquist rate): measured mean 4.68 /
  // max 58 at 448 and 1.98 / 40 at 1024 (on a real 720p frame: 0.48 / 13). The bounds are the
  // documented tolerance of the fast mode (README), with a little room.
  it.each([
    [448, 5.5, 70],
    [1024, 2.5, 50],
  ])("'swscale-bicubic' at %i stays within mean %f / max %i of Pillow", async (size, meanBound, maxBound) => {
    const expected = load(`source-960x540-to-${size}x${size}-bicubic.png`);
    const frame = await decodeAt(size, 'swscale-bicubic');
    const d = difference(frame.data, expected.data);
    console.info(`swscale-bicubic vs Pillow at ${size}: mean ${d.mean.toFixed(3)}, max ${d.max}`);
    expect(d.mean).toBeLessThan(meanBound);
    expect(d.max).toBeLessThanOrEqual(maxBound);
  });
});
