import { buildOnnxModel } from '@videoloom/backend';
import { describe, expect, it } from 'vitest';
import { OnnxPersonDetector, toPixelValues } from './onnx-person-detector.js';

/** A tiny detector graph: one fixed box, scored by the mean of the normalised pixels. */
function meanScoreModel(box: readonly number[]): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'pixel_values', dtype: 'float32', dims: [1, 3, 'height', 'width'] }],
    outputs: [
      { name: 'boxes', dtype: 'float32', dims: [1, 1, 4] },
      { name: 'scores', dtype: 'float32', dims: [1, 1] },
    ],
    initializers: [
      { name: 'box', dtype: 'float32', dims: [1, 1, 4], data: Float32Array.from(box) },
      { name: 'shape', dtype: 'int64', dims: [2], data: BigInt64Array.from([1n, 1n]) },
    ],
    nodes: [
      { opType: 'Identity', inputs: ['box'], outputs: ['boxes'] },
      {
        opType: 'ReduceMean',
        inputs: ['pixel_values'],
        outputs: ['m'],
        attributes: { axes: [1, 2, 3], keepdims: 1 },
      },
      { opType: 'Reshape', inputs: ['m', 'shape'], outputs: ['scores'] },
    ],
  });
}

const uniform = (width: number, height: number, v: number) => ({
  frameIndex: 0,
  timeSeconds: 0,
  width,
  height,
  rgb: new Uint8Array(width * height * 3).fill(v),
});

describe('OnnxPersonDetector', () => {
  it('feeds normalised pixels through ONNX Runtime and maps the box back to frame pixels', async () => {
    const detector = await OnnxPersonDetector.load(meanScoreModel([0.25, 0.5, 0.75, 1]), {
      inputWidth: 32,
      inputHeight: 16,
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.25, 0.25],
      scoreThreshold: 0.5,
    });
    // All pixels 255: each channel normalises to (1 - 0.5) / 0.25 = 2, so the score is 2.
    const bright = await detector.detect(uniform(64, 32, 255), 'person');
    expect(bright).toHaveLength(1);
    expect(bright[0]!.score).toBeCloseTo(2, 5);
    expect(bright[0]!.box).toEqual({ x: 16, y: 16, width: 32, height: 16 });
    // All pixels 0: score -2, under the threshold.
    expect(await detector.detect(uniform(64, 32, 0), 'person')).toEqual([]);
  });

  it('refuses a model whose outputs do not follow the contract', async () => {
    const wrong = buildOnnxModel({
      inputs: [{ name: 'pixel_values', dtype: 'float32', dims: [1, 3, 'height', 'width'] }],
      outputs: [{ name: 'logits', dtype: 'float32', dims: [1, 3, 'height', 'width'] }],
      nodes: [{ opType: 'Identity', inputs: ['pixel_values'], outputs: ['logits'] }],
    });
    await expect(OnnxPersonDetector.load(wrong)).rejects.toMatchObject({ name: 'VL_ModelContractError' });
  });

  it('resizes bilinearly with aligned pixel centres', () => {
    // 2x1 image (0 and 255 in red) to 4x1: centres at 0.25, 0.75 -> source x -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1).
    const rgb = Uint8Array.of(0, 0, 0, 255, 0, 0);
    const out = toPixelValues(rgb, 2, 1, 4, 1, [0, 0, 0], [1, 1, 1]);
    expect(Array.from(out.subarray(0, 4)).map((v) => Math.round(v * 255))).toEqual([0, 64, 191, 255]);
  });
});
