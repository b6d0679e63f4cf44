import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sam2InputError } from '../errors/input-error.js';
import {
  bestMultimaskIndex,
  fillHoles,
  resizeLogitsBilinear,
  roundToBfloat16InPlace,
  thresholdLogits,
} from './postprocess.js';
import { preprocessFrame, resizeRgbBicubic, SAM2_PIXEL_MEAN, SAM2_PIXEL_STD } from './preprocess.js';

/** The LCG image tools/fixtures/sam2/make_pil_resize_golden.py resizes with PIL. */
function lcgImage(width: number, height: number, seed: number): Uint8Array {
  let state = seed;
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < out.length; i++) {
    state = (state * 1664525 + 1013904223) % 4294967296;
    out[i] = Math.floor(state / 2 ** 24);
  }
  return out;
}

describe('resizeRgbBicubic against PIL (golden files from Pillow 9.4)', () => {
  for (const [width, height, seed] of [
    [37, 23, 1],
    [150, 90, 2],
    [64, 64, 3],
  ] as const) {
    it(`${width}×${height} → 64×64 is within one grey level of Image.resize(BICUBIC)`, async () => {
      const golden = await readFile(
        path.resolve(import.meta.dirname, `../../test/fixtures/pil-resize/${width}x${height}-to-64.rgb`),
      );
      const ours = resizeRgbBicubic({ width, height, data: lcgImage(width, height, seed) }, 64).data;
      let worst = 0;
      let exact = 0;
      for (let i = 0; i < ours.length; i++) {
        const d = Math.abs((ours[i] as number) - (golden[i] as number));
        worst = Math.max(worst, d);
        if (d === 0) exact += 1;
      }
      expect(worst).toBeLessThanOrEqual(1);
      expect(exact / ours.length).toBeGreaterThan(0.95);
    });
  }
});

describe('preprocessFrame', () => {
  it('normalises a flat colour exactly at every pixel of the 1024×1024 output', () => {
    const frame = { width: 7, height: 5, data: new Uint8Array(7 * 5 * 3) };
    for (let i = 0; i < 35; i++) frame.data.set([200, 100, 50], i * 3);
    const out = preprocessFrame(frame);
    expect(out.length).toBe(3 * 1024 * 1024);
    const plane = 1024 * 1024;
    for (const [c, v] of [200, 100, 50].entries()) {
      const want = (v / 255 - (SAM2_PIXEL_MEAN[c] as number)) / (SAM2_PIXEL_STD[c] as number);
      expect(out[c * plane]).toBeCloseTo(want, 5);
      expect(out[c * plane + plane - 1]).toBeCloseTo(want, 5);
    }
  });

  it('keeps a 1024×1024 frame pixel for pixel (the bicubic kernel is interpolating) and is channel-planar', () => {
    const size = 1024;
    const data = new Uint8Array(size * size * 3);
    for (let i = 0; i < size * size; i++) data.set([i % 251, (i * 7) % 253, (i * 13) % 255], i * 3);
    const out = preprocessFrame({ width: size, height: size, data }, size);
    for (const i of [0, 1, 5000, size * size - 1]) {
      expect(out[i]).toBeCloseTo(((i % 251) / 255 - 0.485) / 0.229, 5);
      expect(out[2 * size * size + i]).toBeCloseTo((((i * 13) % 255) / 255 - 0.406) / 0.225, 5);
    }
  });

  it('rejects a frame whose bytes do not match its size', () => {
    expect(() => preprocessFrame({ width: 4, height: 4, data: new Uint8Array(47) }, 1024, 9)).toThrow(
      Sam2InputError,
    );
    expect(() => preprocessFrame({ width: 4, height: 4, data: new Uint8Array(47) }, 1024, 9)).toThrow(
      /frameIndex 9.*48 bytes/,
    );
  });
});

describe('postprocessing', () => {
  it('upsamples like F.interpolate(bilinear, align_corners=False)', () => {
    // PyTorch: F.interpolate(tensor([[[[0,1],[2,3]]]]), scale_factor=2, mode="bilinear", align_corners=False)
    const out = resizeLogitsBilinear(Float32Array.of(0, 1, 2, 3), 2, 2, 4, 4);
    expect(Array.from(out)).toEqual([
      0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3,
    ]);
    // Downsampling 4 → 2 samples at source 0.5 and 2.5.
    expect(Array.from(resizeLogitsBilinear(Float32Array.of(0, 1, 2, 3), 1, 4, 1, 2))).toEqual([0.5, 2.5]);
  });

  it('thresholds at logit > 0 (0 itself is background)', () => {
    expect(Array.from(thresholdLogits(Float32Array.of(-1, 0, 1e-6, 5), 2, 2).data)).toEqual([0, 0, 1, 1]);
  });

  it('fills background components up to the area (8-connected), leaving larger ones', () => {
    // 5×5 foreground with a 1-pixel hole, a 2-pixel diagonal hole (one component under 8-connectivity).
    const f = 1;
    const b = -1;
    const logits = Float32Array.of(f, f, f, f, f, f, b, f, f, f, f, f, f, b, f, f, f, f, f, b, f, f, f, f, f);
    const one = fillHoles(logits, 5, 5, 1);
    expect(one[6]).toBeCloseTo(0.1);
    expect(one[13]).toBe(-1);
    const two = fillHoles(logits, 5, 5, 2);
    expect(two[13]).toBeCloseTo(0.1);
    expect(two[19]).toBeCloseTo(0.1);
    expect(fillHoles(logits, 5, 5, 0)).toEqual(logits);
  });

  it('rounds to bfloat16 to nearest, ties to even', () => {
    const v = Float32Array.of(1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -9, -2.7182817, 0);
    roundToBfloat16InPlace(v);
    expect(Array.from(v)).toEqual([1, 1 + 2 ** -6, 1, -2.71875, 0]);
  });

  it('picks the best multimask output among tokens 1..3, never token 0', () => {
    expect(bestMultimaskIndex([0.99, 0.2, 0.7, 0.5], 0)).toBe(2);
    expect(bestMultimaskIndex([0, 0, 0, 0, 0.9, 0.3, 0.3, 0.1], 4)).toBe(1);
  });
});
