import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussianSource } from '../decoder/mask-decoder-weights.js';
import { Sam2InputError } from '../errors/input-error.js';
import { Sam2WeightsError } from '../errors/weights-error.js';
import { bestMultimaskIndex, roundToBfloat16InPlace } from '../image/postprocess.js';
import { preprocessFrame, type RgbFrame } from '../image/preprocess.js';
import { BINARIZE_GAIN, promptedMaskChoice } from '../prompt/mask-choice.js';
import {
  PROMPT_ENCODER_WEIGHTS_FILE,
  promptEncoderWeightSet,
  promptEncoderWeightsFrom,
  type SpatialPrompt,
} from '../prompt/prompt-encoder.js';
import { buildTinySam2, writeTinySam2 } from '../testing/tiny-model.js';
import { parseSafetensors, serializeSafetensors } from '../weights/safetensors.js';
import { type FrameMasks, type KeyframePrompt, Sam2Bridge, type Sam2FrameInput } from './sam2-bridge.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../test/fixtures/tiny-sam2');
const WIDTH = 96;
const HEIGHT = 64;
const cpu = { device: 'cpu', env: {} } as const;

/** A red square moving right over a blue-grey background: x from 10 + 6f to 34 + 6f, y 20..44. */
function syntheticFrame(frameIndex: number): RgbFrame {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      const inside = x >= 10 + 6 * frameIndex && x < 34 + 6 * frameIndex && y >= 20 && y < 44;
      data[i] = inside ? 220 : 60;
      data[i + 1] = inside ? 30 : 70;
      data[i + 2] = inside ? 40 : 110;
    }
  }
  return { width: WIDTH, height: HEIGHT, data };
}

async function* frames(count: number): AsyncGenerator<Sam2FrameInput> {
  for (let f = 0; f < count; f++) yield { frameIndex: f, ...syntheticFrame(f) };
}

const boxAt = (f: number): SpatialPrompt => ({ box: { x0: 10 + 6 * f, y0: 20, x1: 34 + 6 * f, y1: 44 } });

async function run(
  bridge: Sam2Bridge,
  keyframes: KeyframePrompt[],
  numFrames: number,
  behaviour: Parameters<Sam2Bridge['track']>[0]['behaviour'] = {},
) {
  const out: FrameMasks[] = [];
  for await (const r of bridge.track({ numFrames, keyframes, frames: frames(numFrames), behaviour }))
    out.push(r);
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('Sam2Bridge with box and point keyframes (committed tiny graphs + prompt encoder)', () => {
  let bridge: Sam2Bridge;
  let results: FrameMasks[];
  const T = 6;

  beforeAll(async () => {
    bridge = await Sam2Bridge.load(FIXTURE, cpu);
    results = await run(bridge, [{ frameIndex: 2, frame: syntheticFrame(2), prompts: [boxAt(2)] }], T);
  }, 120_000);
  afterAll(() => bridge?.stages.release());

  it('loads the committed prompt encoder, which the generator reproduces byte for byte', async () => {
    expect(bridge.promptEncoder).not.toBeNull();
    const committed = await readFile(path.join(FIXTURE, PROMPT_ENCODER_WEIGHTS_FILE));
    expect(Buffer.compare(committed, Buffer.from(buildTinySam2({ seed: 1 }).promptEncoderWeights))).toBe(0);
  });

  it('yields every frame once; the box keyframe gives the decoder 2 prompt tokens, tracked frames 0', () => {
    expect(results.map((r) => r.frameIndex)).toEqual([2, 3, 4, 5, 1, 0]);
    expect(results.map((r) => r.promptTokens)).toEqual([2, 0, 0, 0, 0, 0]);
    for (const r of results) {
      expect(r.objects[0]?.mask.width).toBe(WIDTH);
      expect(r.objects[0]?.mask.height).toBe(HEIGHT);
    }
  });

  it('matches a by-hand run: box tokens, SAM2 mask choice, binarised memory, then one tracked frame', async () => {
    // Without the −1024 absent fill, so that the memory's mask matters whatever the tiny model scores.
    const soft = await run(bridge, [{ frameIndex: 2, frame: syntheticFrame(2), prompts: [boxAt(2)] }], T, {
      fillAbsentWithNoObjScore: false,
    });
    const stages = bridge.stages;
    const encoder = bridge.promptEncoder!;
    const S = 64;
    const plane = 256 * 256;
    const encode = (f: number) =>
      stages.run('image_encoder', {
        image: { dtype: 'float32', dims: [1, 3, 1024, 1024], data: preprocessFrame(syntheticFrame(f)) },
      });
    const decode = (
      embed: Float32Array,
      feats: Record<string, Float32Array>,
      prompt: Float32Array,
      K: number,
    ) =>
      stages.run('mask_decoder', {
        image_embed: { dtype: 'float32', dims: [1, 256, S, S], data: embed },
        high_res_feat0: { dtype: 'float32', dims: [1, 32, 256, 256], data: feats.high_res_feat0! },
        high_res_feat1: { dtype: 'float32', dims: [1, 64, 128, 128], data: feats.high_res_feat1! },
        prompt_embed: { dtype: 'float32', dims: [1, K, 256], data: prompt },
      });
    const f2 = await encode(2);
    const { tokens, pointCount } = encoder.framePromptTokens(boxAt(2), WIDTH, HEIGHT);
    expect(pointCount).toBe(2);
    const key = await decode(f2.pix_feat_no_mem!, f2, tokens, 2);
    const choice = promptedMaskChoice(key.low_res_masks!, key.iou_pred!, 0, plane, 2);
    expect(choice.pointerIndex).toBe(0);
    const score = key.object_score_logits![0]!;
    const keyLogits = key.low_res_masks!.slice(choice.maskIndex * plane, (choice.maskIndex + 1) * plane);
    expect(maxAbsDiff(keyLogits, soft[0]!.objects[0]!.lowResLogits)).toBeLessThan(1e-5);
    expect(soft[0]!.objects[0]!.maskIndex).toBe(choice.maskIndex);

    const memoryOf = async (gain: number) => {
      const out = await stages.run('memory_encoder', {
        vision_feat: { dtype: 'float32', dims: [1, 256, S, S], data: f2.vision_feat! },
        mask_logits: {
          dtype: 'float32',
          dims: [1, 1, 256, 256],
          data: Float32Array.from(keyLogits, (v) => v * gain),
        },
        object_score_logits: { dtype: 'float32', dims: [1, 1], data: Float32Array.of(score) },
      });
      return roundToBfloat16InPlace(out.maskmem_features!);
    };
    const f3 = await encode(3);
    const trackFrame3 = async (memory: Float32Array) => {
      const attended = await stages.run('memory_attention', {
        vision_feat: { dtype: 'float32', dims: [1, 256, S, S], data: f3.vision_feat! },
        maskmem_features: { dtype: 'float32', dims: [1, 1, 64, S, S], data: memory },
        maskmem_tpos_index: { dtype: 'int64', dims: [1], data: BigInt64Array.of(6n) },
        obj_ptrs: { dtype: 'float32', dims: [1, 1, 256], data: key.obj_ptr!.slice(0, 256) }, // token 0
        obj_ptr_tpos: { dtype: 'float32', dims: [1], data: Float32Array.of(1 / (T - 1)) },
      });
      const out = await decode(attended.pix_feat_with_mem!, f3, new Float32Array(0), 0);
      const idx = bestMultimaskIndex(out.iou_pred!, 0);
      return out.low_res_masks!.slice(idx * plane, (idx + 1) * plane);
    };
    const tracked = soft.find((r) => r.frameIndex === 3)!.objects[0]!.lowResLogits;
    expect(maxAbsDiff(await trackFrame3(await memoryOf(BINARIZE_GAIN)), tracked)).toBeLessThan(1e-4);
    // The binarised memory is what the bridge stored: the soft-mask memory gives another frame 3.
    expect(maxAbsDiff(await trackFrame3(await memoryOf(1)), tracked)).toBeGreaterThan(1e-3);
  });

  it('tracks several boxed objects as one batch: each equals its B = 1 run', async () => {
    const other: SpatialPrompt = { box: { x0: 50, y0: 2, x1: 90, y1: 18 } };
    const both = await run(
      bridge,
      [{ frameIndex: 1, frame: syntheticFrame(1), prompts: [boxAt(1), other] }],
      3,
    );
    const first = await run(bridge, [{ frameIndex: 1, frame: syntheticFrame(1), prompts: [boxAt(1)] }], 3);
    const second = await run(bridge, [{ frameIndex: 1, frame: syntheticFrame(1), prompts: [other] }], 3);
    for (const [i, r] of both.entries()) {
      expect(maxAbsDiff(r.objects[0]!.lowResLogits, first[i]!.objects[0]!.lowResLogits)).toBeLessThan(1e-4);
      expect(maxAbsDiff(r.objects[1]!.lowResLogits, second[i]!.objects[0]!.lowResLogits)).toBeLessThan(1e-4);
    }
    expect(maxAbsDiff(both[0]!.objects[0]!.lowResLogits, both[0]!.objects[1]!.lowResLogits)).toBeGreaterThan(
      1e-3,
    );
  });

  it('pads objects with fewer points with not_a_point, and mixes [SEG] and box keyframes', async () => {
    const click: SpatialPrompt = { points: [{ x: 30, y: 30, label: 1 }] };
    const mixed = await run(
      bridge,
      [
        { frameIndex: 0, frame: syntheticFrame(0), prompts: [boxAt(0), click] },
        {
          frameIndex: 2,
          frame: syntheticFrame(2),
          segEmbeddings: Float32Array.from({ length: 512 }, gaussianSource(3)),
        },
      ],
      3,
    );
    expect(mixed.map((r) => [r.frameIndex, r.promptTokens])).toEqual([
      [0, 2],
      [1, 0],
      [2, 1],
    ]);
    // The click object (1 point) keeps SAM2's multimask choice, the boxed one its single mask or fallback.
    expect([1, 2, 3]).toContain(mixed[0]!.objects[1]!.maskIndex);
  });

  it('rejects bad prompts before any stage runs, and box prompts on a model without a prompt encoder', async () => {
    const drain = async (b: Sam2Bridge, keyframes: KeyframePrompt[]) => {
      for await (const _ of b.track({ numFrames: 3, keyframes, frames: frames(3) })) {
        // consume
      }
    };
    const before = bridge.stages.timings.image_encoder.calls;
    const error = await drain(bridge, [
      { frameIndex: 1, frame: syntheticFrame(1), prompts: [{ box: { x0: 40, y0: 10, x1: 20, y1: 30 } }] },
    ]).catch((e: unknown) => e);
    expect(Sam2InputError.isInstance(error)).toBe(true);
    expect((error as Sam2InputError).input).toBe('box');
    expect((error as Sam2InputError).frameIndex).toBe(1);
    expect(bridge.stages.timings.image_encoder.calls).toBe(before);
    await expect(
      drain(bridge, [
        { frameIndex: 0, frame: syntheticFrame(0), prompts: [boxAt(0)] },
        { frameIndex: 2, frame: syntheticFrame(2), prompts: [boxAt(2), boxAt(1)] },
      ]),
    ).rejects.toThrow(/one prompt per object/);
    const bare = new Sam2Bridge(bridge.stages);
    await expect(
      drain(bare, [{ frameIndex: 0, frame: syntheticFrame(0), prompts: [boxAt(0)] }]),
    ).rejects.toThrow(/promptEncoderWeights/);
  });
});

describe('Sam2Bridge.load with prompt-encoder weights', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sam2-prompt-'));
    await writeTinySam2(dir, { seed: 1 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses prompt-encoder weights whose Gaussian matrix differs from the decoder graph’s', async () => {
    const file = path.join(dir, PROMPT_ENCODER_WEIGHTS_FILE);
    const weights = promptEncoderWeightsFrom(parseSafetensors(await readFile(file)));
    const gaussian = weights.gaussian.slice();
    gaussian[0] = (gaussian[0] as number) + 0.5;
    await writeFile(file, serializeSafetensors(promptEncoderWeightSet({ ...weights, gaussian })));
    const error = await Sam2Bridge.load(dir, cpu).catch((e: unknown) => e);
    expect(Sam2WeightsError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/positional_encoding_gaussian_matrix/);
  });
});
