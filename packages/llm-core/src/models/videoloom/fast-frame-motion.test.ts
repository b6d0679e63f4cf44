import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../weights/checkpoint-io.js';
import { MOTION_EMBEDDING } from '../internvit/vision-encoder.js';
import { MODEL_PRESETS, resolveModelConfig } from './config.js';
import { VideoLoomModel } from './model.js';

const S = 224;

/** `n` frames of a bright square moving right by `step` pixels a frame on a textured background. */
function movingSquare(n: number, step: number): tf.Tensor4D {
  const data = new Float32Array(n * 3 * S * S);
  for (let f = 0; f < n; f++) {
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const inSquare = x >= 20 + f * step && x < 60 + f * step && y >= 80 && y < 120;
          data[((f * 3 + c) * S + y) * S + x] = inSquare ? 2 - c : Math.sin(x * 0.3 + c) * 0.5;
        }
      }
    }
  }
  return tf.tensor4d(data, [n, 3, S, S]);
}

const rowsOf = (t: tf.Tensor, start: number, count: number) =>
  t.slice([start, 0], [count, t.shape[1] as number]);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;

describe('fast-frame motion embedding', () => {
  let withMotion: VideoLoomModel;
  let withoutMotion: VideoLoomModel;
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    withMotion = VideoLoomModel.create(resolveModelConfig({ ...MODEL_PRESETS.tiny, fastFrameMotion: true }), {
      seed: 3,
    });
    // Same weights; the motion kernel is simply not used.
    withoutMotion = new VideoLoomModel({ ...withMotion.config, fastFrameMotion: false }, withMotion.params);
  });

  it('adds one kernel over frame differences: static frames, first frames and keyframes are unchanged', () => {
    expect(withMotion.params.get(MOTION_EMBEDDING).shape).toEqual([64, 3, 14, 14]);
    const moving = movingSquare(3, 20);
    const keyframe = movingSquare(1, 0);
    const a = withMotion.videoTokens(moving, keyframe);
    const b = withoutMotion.videoTokens(moving, keyframe);
    // The tiny preset projects a frame to an 8x8 grid: 4 pooled tokens per fast frame, 64 per keyframe.
    const fastTokens = (224 / 14 / 2 / 4) ** 2;
    expect(a.shape).toEqual([3 * fastTokens + 64, 128]);
    expect(maxDiff(rowsOf(a, 0, fastTokens), rowsOf(b, 0, fastTokens))).toBe(0);
    expect(
      maxDiff(rowsOf(a, fastTokens, 2 * fastTokens), rowsOf(b, fastTokens, 2 * fastTokens)),
    ).toBeGreaterThan(1e-4);
    expect(maxDiff(rowsOf(a, 3 * fastTokens, 64), rowsOf(b, 3 * fastTokens, 64))).toBe(0);
    const still = movingSquare(3, 0);
    expect(maxDiff(withMotion.videoTokens(still, null), withoutMotion.videoTokens(still, null))).toBe(0);
  });

  it('is saved and loaded with the model (config flag and kernel)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'videoloom-motion-'));
    try {
      await saveModel(withMotion, dir);
      const json = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      expect(json.videoloom.fast_frame_motion).toBe(true);
      const { model } = await loadModel(dir);
      expect(model.config.fastFrameMotion).toBe(true);
      const clip = movingSquare(2, 30);
      expect(maxDiff(model.videoTokens(clip, null), withMotion.videoTokens(clip, null))).toBe(0);
      model.params.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
