import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sam2InputError } from '../errors/input-error.js';
import { Sam2WeightsError } from '../errors/weights-error.js';
import { parseSafetensors, serializeSafetensors, type WeightTensor } from '../weights/safetensors.js';
import { promptedMaskChoice, stabilityScore } from './mask-choice.js';
import {
  checkPromptEncoderMatchesDecoder,
  type PromptBox,
  type PromptPoint,
  promptEncoderWeightSet,
  promptEncoderWeightShapes,
  promptEncoderWeightsFrom,
  Sam2PromptEncoder,
  toModelPoints,
} from './prompt-encoder.js';

/** Written by tools/fixtures/sam2/make_prompt_encoder_golden.py (PyTorch, SAM2's PromptEncoder math). */
interface Golden {
  embedDim: number;
  imageSize: number;
  weights: Record<string, number[]>;
  cases: {
    name: string;
    dims: number[];
    tokens: number[];
    box?: number[][];
    points?: number[][][];
    labels?: number[][];
    frame?: { width: number; height: number };
    frameBox?: number[];
    frameClicks?: number[][];
    frameLabels?: number[];
  }[];
}

const golden = JSON.parse(
  await readFile(path.resolve(import.meta.dirname, '../../test/fixtures/prompt-encoder/golden.json'), 'utf8'),
) as Golden;

const shapes = promptEncoderWeightShapes(golden.embedDim);
const weightSet = {
  tensors: new Map<string, WeightTensor>(
    Object.entries(golden.weights).map(([name, values]) => [
      name,
      { dims: shapes.get(name)!, data: Float32Array.from(values) },
    ]),
  ),
  metadata: {},
};
const encoder = new Sam2PromptEncoder(promptEncoderWeightsFrom(weightSet, 'golden.json'), golden.imageSize);
const C = golden.embedDim;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

const toBox = (b: number[]): PromptBox => ({ x0: b[0]!, y0: b[1]!, x1: b[2]!, y1: b[3]! });
const toPoints = (pts: number[][], labels: number[]): PromptPoint[] =>
  pts.map(([x, y], i) => ({ x: x!, y: y!, label: labels[i] as PromptPoint['label'] }));

/** What the TypeScript encoder gives for a golden case, batch rows concatenated. */
function encodeCase(c: Golden['cases'][number]): Float32Array {
  if (c.frame) {
    const { tokens, pointCount } = encoder.framePromptTokens(
      {
        box: toBox(c.frameBox!),
        points: toPoints(c.frameClicks!, c.frameLabels!),
      },
      c.frame.width,
      c.frame.height,
    );
    expect(pointCount).toBe(2 + c.frameClicks!.length);
    // SAM2 appends its padding point; the bridge leaves that to the decoder graph's fixed tokens.
    const padded = new Float32Array(tokens.length + C);
    padded.set(tokens);
    padded.set(encoder.weights.notAPoint, tokens.length);
    return padded;
  }
  const batch = c.box?.length ?? c.points!.length;
  const rows: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    rows.push(
      encoder.encode({
        ...(c.box ? { box: toBox(c.box[b]!) } : {}),
        ...(c.points ? { points: toPoints(c.points[b]!, c.labels![b]!) } : {}),
      }),
    );
  }
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  rows.reduce((at, r) => (out.set(r, at), at + r.length), 0);
  return out;
}

describe('Sam2PromptEncoder parity with PyTorch (SAM2 PromptEncoder math)', () => {
  for (const c of golden.cases) {
    it(`${c.name}: tokens [${c.dims}] within 1e-5`, () => {
      const mine = encodeCase(c);
      expect(mine.length).toBe(c.dims.reduce((a, b) => a * b, 1));
      expect(maxAbsDiff(mine, c.tokens)).toBeLessThan(1e-5);
    });
  }

  it('the parity check can fail: swapped corner labels or an unshifted point are far off', () => {
    const boxCase = golden.cases.find((c) => c.name.startsWith('box only'))!;
    const b = toBox(boxCase.box![0]!);
    const swapped = encoder.embedPoints(
      [
        { x: b.x0, y: b.y0, label: 3 },
        { x: b.x1, y: b.y1, label: 2 },
      ],
      false,
    );
    expect(maxAbsDiff(swapped, boxCase.tokens.slice(0, 2 * C))).toBeGreaterThan(0.1);
    const unshifted = encoder.embedPoints(
      [
        { x: b.x0 - 0.5, y: b.y0 - 0.5, label: 2 },
        { x: b.x1 - 0.5, y: b.y1 - 0.5, label: 3 },
      ],
      false,
    );
    expect(maxAbsDiff(unshifted, boxCase.tokens.slice(0, 2 * C))).toBeGreaterThan(1e-3);
  });

  it('the no-click prompt is two not_a_point tokens (what the mask_decoder graph prepends)', () => {
    const tokens = encoder.encode({ points: [{ x: 0, y: 0, label: -1 }] });
    expect(Array.from(tokens.subarray(0, C))).toEqual(Array.from(encoder.weights.notAPoint));
    expect(Array.from(tokens.subarray(C))).toEqual(Array.from(encoder.weights.notAPoint));
  });
});

describe('prompt-encoder weights', () => {
  it('round-trip through safetensors under SAM2 names', () => {
    const bytes = serializeSafetensors(promptEncoderWeightSet(encoder.weights));
    const back = promptEncoderWeightsFrom(parseSafetensors(bytes));
    expect(back.pointEmbeddings).toEqual(encoder.weights.pointEmbeddings);
    expect(back.gaussian).toEqual(encoder.weights.gaussian);
    expect([...parseSafetensors(bytes).tensors.keys()].sort()).toEqual([...shapes.keys()].sort());
  });

  it('name the missing or misshapen tensor', () => {
    const tensors = new Map(weightSet.tensors);
    tensors.delete('sam_prompt_encoder.point_embeddings.2.weight');
    expect(() => promptEncoderWeightsFrom({ tensors, metadata: {} }, 'pe.safetensors')).toThrow(
      /point_embeddings\.2\.weight/,
    );
    tensors.set('sam_prompt_encoder.point_embeddings.2.weight', { dims: [256], data: new Float32Array(256) });
    const error = (() => {
      try {
        promptEncoderWeightsFrom({ tensors, metadata: {} }, 'pe.safetensors');
      } catch (e) {
        return e;
      }
    })();
    expect(Sam2WeightsError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/shape \[1,256\].*shape \[256\]|expected shape \[1,256\]/);
  });

  it('must agree with the decoder weights on the tensors the decoder graph bakes in', () => {
    const decoder = { tensors: new Map(weightSet.tensors), metadata: {} };
    expect(() => checkPromptEncoderMatchesDecoder(encoder.weights, decoder, 'pe', 'dec')).not.toThrow();
    const other = Float32Array.from(encoder.weights.gaussian, (v, i) => (i === 5 ? v + 1e-3 : v));
    decoder.tensors.set('sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix', {
      dims: [2, C / 2],
      data: other,
    });
    expect(() => checkPromptEncoderMatchesDecoder(encoder.weights, decoder, 'pe', 'dec')).toThrow(
      /positional_encoding_gaussian_matrix/,
    );
  });
});

describe('frame prompts', () => {
  it('scale by 1024 / width and 1024 / height, box corners before clicks', () => {
    const points = toModelPoints(
      { box: { x0: 64, y0: 36, x1: 320, y1: 180 }, points: [{ x: 160, y: 90, label: 0 }] },
      640,
      360,
    );
    expect(points).toEqual([
      { x: 102.4000015258789, y: 102.4000015258789, label: 2 },
      { x: 512, y: 512, label: 3 },
      { x: 256, y: 256, label: 0 },
    ]);
  });

  it('reject degenerate, outside or empty prompts with Sam2InputError naming the input', () => {
    const bad = (f: () => unknown, input: string) => {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(Sam2InputError.isInstance(error)).toBe(true);
      expect((error as Sam2InputError).input).toBe(input);
    };
    bad(() => toModelPoints({ box: { x0: 10, y0: 10, x1: 10, y1: 20 } }, 64, 64), 'box');
    bad(() => toModelPoints({ box: { x0: 10, y0: 10, x1: 65, y1: 20 } }, 64, 64), 'box');
    bad(() => toModelPoints({ points: [{ x: Number.NaN, y: 1, label: 1 }] }, 64, 64), 'point');
    bad(() => toModelPoints({ points: [{ x: 1, y: 1, label: 7 as never }] }, 64, 64), 'point');
    bad(() => toModelPoints({}, 64, 64), 'prompt');
  });
});

describe('SAM2 mask choice on prompted frames', () => {
  const plane = 4;
  // B = 1, 4 masks of 4 logits; IoU favours mask 2 among 1..3.
  const iou = Float32Array.of(0.9, 0.1, 0.8, 0.3);
  it('one point: best of masks 1..3, pointer from the same token', () => {
    const masks = new Float32Array(16).fill(1);
    expect(promptedMaskChoice(masks, iou, 0, plane, 1)).toEqual({ maskIndex: 2, pointerIndex: 2 });
  });
  it('two or more points: mask 0 when stable, else the best multimask; pointer from token 0', () => {
    const stable = new Float32Array(16).fill(-1);
    stable.set([3, 3, -3, -3], 0);
    expect(stabilityScore(stable, 0, plane, 0.05)).toBe(1);
    expect(promptedMaskChoice(stable, iou, 0, plane, 2)).toEqual({ maskIndex: 0, pointerIndex: 0 });
    const unstable = new Float32Array(16).fill(-1);
    unstable.set([3, 0.01, -3, -3], 0); // one logit inside ±0.05: score 1 / 2
    expect(stabilityScore(unstable, 0, plane, 0.05)).toBe(0.5);
    expect(promptedMaskChoice(unstable, iou, 0, plane, 3)).toEqual({ maskIndex: 2, pointerIndex: 0 });
  });
});
