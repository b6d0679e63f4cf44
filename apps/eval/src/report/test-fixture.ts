// Shared by the report and ablation tests (not part of the build: no entry imports it).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BinaryMask, emptyMask, encodeRle, type LoomBenchFile } from '@videoloom/metrics';
import { type RgbFrame, writeMp4 } from '@videoloom/video-io';

// Two flat grey clips (64x48, 8 fps): a.mp4 20 frames = 2.5 s at level 128, b.mp4 40 frames = 5 s at 60.
export const W = 64;
export const H = 48;
export const LEVEL = { a: 128, b: 60 } as const;

export const box = (x0: number, y0: number, x1: number, y1: number): BinaryMask => {
  const m = emptyMask(W, H);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * W + x] = 1;
  return m;
};
export const square = box(10, 10, 30, 30);
const rle = (m: BinaryMask | null) => (m ? encodeRle(m) : null);

// Hand-computed scores (see each item):
//   w1 when  a [0.5, 1.5] vs [1.0, 2.0]: tIoU 0.5 / 1.5 = 1/3
//   w2 when  b [1, 3] vs [1, 3]: tIoU 1
//   w3 when  b [2, 4] vs no answer: 0            -> R1@0.5 = 1/3, mIoU = 4/9
//   r1 where a, 3 frames; the prediction misses frame 2: J = F = [1, 1, 0] -> J&F = 2/3
//   c1 combined b, span [1, 2] vs [1, 2.5]: tIoU 2/3; masks on frames 2-3 (truth), 2-4 (prediction):
//      J&F_p = mean(1, 1, 0) = 2/3, J&F_g = 1 -> J&F_bi-fore = 2 (2/3)(1) / (5/3) = 0.8
export const combinedTimes = Array.from({ length: 10 }, (_, k) => k / 2);
export const gtFile: LoomBenchFile = {
  format: 'loombench',
  version: 1,
  kind: 'gt',
  items: [
    {
      id: 'w1',
      task: 'when',
      video: 'videos/a.mp4',
      question: 'When does the grey get greyer?',
      span: [0.5, 1.5],
    },
    { id: 'w2', task: 'when', video: 'videos/b.mp4', question: 'When is it dark?', span: [1, 3] },
    { id: 'w3', task: 'when', video: 'videos/b.mp4', question: 'When is it darker?', span: [2, 4] },
    {
      id: 'r1',
      task: 'where',
      video: 'videos/a.mp4',
      question: 'Where is the square from 0.5s to 1.5s?',
      frameTimesSeconds: [0.5, 1, 1.5],
      masks: [rle(square), rle(square), rle(square)],
    },
    {
      id: 'c1',
      task: 'combined',
      video: 'videos/b.mp4',
      question: 'Where is the square while it waits?',
      span: [1, 2],
      frameTimesSeconds: combinedTimes,
      masks: combinedTimes.map((_, k) => (k === 2 || k === 3 ? rle(square) : null)),
    },
  ],
};
export const predFile: LoomBenchFile = {
  format: 'loombench',
  version: 1,
  kind: 'pred',
  items: [
    { id: 'w1', span: [1, 2] },
    { id: 'w2', span: [1, 3] },
    { id: 'w3', span: null },
    { id: 'r1', masks: [rle(square), rle(square), null] },
    { id: 'c1', span: [1, 2.5], masks: combinedTimes.map((_, k) => (k >= 2 && k <= 4 ? rle(square) : null)) },
  ],
};

function flat(level: number, count: number): RgbFrame[] {
  return Array.from({ length: count }, () => ({
    width: W,
    height: H,
    data: new Uint8Array(W * H * 3).fill(level),
  }));
}

/** Writes `value` as JSON to `dir/name`; returns the path. */
export function writeJsonIn(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** A temporary folder with videos/a.mp4, videos/b.mp4, gt.json and pred.json. */
export async function makeFixtureFolder(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await writeMp4(join(dir, 'videos', 'a.mp4'), flat(LEVEL.a, 20), {
    frameRate: { numerator: 8, denominator: 1 },
  });
  await writeMp4(join(dir, 'videos', 'b.mp4'), flat(LEVEL.b, 40), {
    frameRate: { numerator: 8, denominator: 1 },
  });
  writeJsonIn(dir, 'gt.json', gtFile);
  writeJsonIn(dir, 'pred.json', predFile);
  return dir;
}
