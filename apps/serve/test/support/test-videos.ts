// Test support: small real mp4 clips made with @videoloom/video-io's writeMp4 (nothing committed).
import type { RgbFrame } from '@videoloom/video-io';
import { writeMp4 } from '@videoloom/video-io';

export interface TestVideoSpec {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
}

/** Frame `i`: a dark gradient with a bright square moving left to right (rgb24, HWC). */
export function testFrame(spec: TestVideoSpec, i: number): RgbFrame {
  const { width, height } = spec;
  const data = new Uint8Array(width * height * 3);
  const side = Math.max(4, Math.floor(height / 4));
  const x0 = Math.floor(((width - side) * i) / Math.max(1, spec.frames - 1));
  const y0 = Math.floor((height - side) / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const inSquare = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
      data[o] = inSquare ? 240 : Math.floor((x * 80) / width);
      data[o + 1] = inSquare ? 240 : Math.floor((y * 80) / height);
      data[o + 2] = inSquare ? 60 : 40;
    }
  }
  return { width, height, data };
}

/** Writes an H.264 mp4 of `spec` to `path` and returns the path. */
export async function writeTestVideo(path: string, spec: TestVideoSpec): Promise<string> {
  function* frames(): Generator<RgbFrame> {
    for (let i = 0; i < spec.frames; i++) yield testFrame(spec, i);
  }
  await writeMp4(path, frames(), { frameRate: { numerator: spec.fps, denominator: 1 }, crf: 23 });
  return path;
}
