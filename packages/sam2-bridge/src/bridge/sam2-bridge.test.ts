import path from 'node:path';
import { measureLeaks } from '@videoloom/backend';
import { decodeRle } from '@videoloom/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussianSource, maskDecoderWeightsFrom } from '../decoder/mask-decoder-weights.js';
import { Sam2InputError } from '../errors/input-error.js';
import { bestMultimaskIndex, roundToBfloat16InPlace } from '../image/postprocess.js';
import { preprocessFrame, type RgbFrame } from '../image/preprocess.js';
import { buildMaskDecoderGraph } from '../onnx/mask-decoder-graph.js';
import { readManifest, SAM2_MANIFEST_FILE } from '../stages/manifest.js';
import { Sam2Stages } from '../stages/stages.js';
import { buildTinySam2 } from '../testing/tiny-model.js';
import { readSafetensors } from '../weights/safetensors.js';
import { type FrameMasks, Sam2Bridge, type Sam2FrameInput, type Sam2ProgressEvent } from './sam2-bridge.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../test/fixtures/tiny-sam2');
const WIDTH = 96;
const HEIGHT = 64;
const T = 10;
const KEYFRAMES = [3, 7];

/** A red square moving right over a blue-grey background. */
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

function segEmbedding(seed: number, objects = 1): Float32Array {
  const r = gaussianSource(seed);
  return Float32Array.from({ length: 256 * objects }, () => r());
}

async function* frames(count: number): AsyncGenerator<Sam2FrameInput> {
  for (let f = 0; f < count; f++) yield { frameIndex: f, ...syntheticFrame(f) };
}

async function runAll(
  bridge: Sam2Bridge,
  seg: Float32Array,
  keyframes = KEYFRAMES,
  numFrames = T,
  onProgress?: (e: Sam2ProgressEvent) => void,
) {
  const results: FrameMasks[] = [];
  for await (const r of bridge.track({
    numFrames,
    keyframes: keyframes.map((k) => ({ frameIndex: k, frame: syntheticFrame(k), segEmbeddings: seg })),
    frames: frames(numFrames),
    ...(onProgress ? { onProgress } : {}),
  })) {
    results.push(r);
  }
  return results;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('Sam2Bridge end to end on the committed tiny graphs', () => {
  let bridge: Sam2Bridge;
  let results: FrameMasks[];
  const events: Sam2ProgressEvent[] = [];
  const seg = segEmbedding(42);

  beforeAll(async () => {
    bridge = await Sam2Bridge.load(FIXTURE, { device: 'cpu', env: {} });
    results = await runAll(bridge, seg, KEYFRAMES, T, (e) => events.push(e));
  }, 120_000);
  afterAll(() => bridge?.stages.release());

  it('yields every frame once: keyframe/forward in stream order, then the reverse pass', () => {
    expect(results.map((r) => r.frameIndex)).toEqual([3, 4, 5, 6, 7, 8, 9, 2, 1, 0]);
    expect(results.map((r) => r.pass)).toEqual([
      'keyframe',
      'forward',
      'forward',
      'forward',
      'keyframe',
      'forward',
      'forward',
      'reverse',
      'reverse',
      'reverse',
    ]);
  });

  it('prompts keyframes with the [SEG] token (K = 1) and tracked frames with none (K = 0)', () => {
    for (const r of results) expect(r.promptTokens).toBe(KEYFRAMES.includes(r.frameIndex) ? 1 : 0);
    for (const r of results) expect(r.memory === null).toBe(KEYFRAMES.includes(r.frameIndex));
  });

  it('feeds memory attention what §3.7 selects, forwards and in reverse (worked out by hand)', () => {
    const byFrame = new Map(results.map((r) => [r.frameIndex, r]));
    expect(byFrame.get(5)?.memory).toEqual({
      spatialFrames: [3, 7, 4],
      temporalIndices: [6, 6, 0],
      pointerFrames: [3, 4],
      pointerOffsets: [2, 1],
    });
    // Reverse at frame 2: keyframes 3 and 7 (pointers from both: "past" means after), forward outputs 4, 5, 6, 8.
    expect(byFrame.get(2)?.memory).toEqual({
      spatialFrames: [3, 7, 8, 6, 5, 4],
      temporalIndices: [6, 6, 5, 3, 2, 1],
      pointerFrames: [3, 7, 4, 5, 6, 8, 9],
      pointerOffsets: [1, 5, 2, 3, 4, 6, 7],
    });
  });

  it('gives binary masks at the frame size and reports progress', () => {
    for (const r of results) {
      const [obj] = r.objects;
      expect(obj?.mask.width).toBe(WIDTH);
      expect(obj?.mask.height).toBe(HEIGHT);
      expect(obj?.mask.data.length).toBe(WIDTH * HEIGHT);
      expect(obj?.mask.data.every((v) => v === 0 || v === 1)).toBe(true);
      // The RLE is the same mask: decoding it gives the binary mask back.
      expect(decodeRle(obj!.rle).data).toEqual(obj!.mask.data);
      expect(obj?.lowResLogits.length).toBe(256 * 256);
      expect([1, 2, 3]).toContain(obj?.maskIndex);
    }
    expect(events[0]).toEqual({ type: 'track-start', numFrames: T, keyframes: KEYFRAMES, objects: 1 });
    expect(events.filter((e) => e.type === 'keyframe-end')).toHaveLength(2);
    const progress = events.filter((e) => e.type === 'track-progress');
    expect(progress).toHaveLength(T - KEYFRAMES.length);
    expect(progress.at(-1)).toMatchObject({ frameIndex: 0, pass: 'reverse', completed: T });
    expect(events.at(-1)).toEqual({ type: 'track-end', numFrames: T });
  });

  it('matches a by-hand run of the four stages for frame 4 (keyframes 3 and 7, then tracked)', async () => {
    const stages = bridge.stages;
    const S = 64;
    const encode = async (f: number) =>
      stages.run('image_encoder', {
        image: { dtype: 'float32', dims: [1, 3, 1024, 1024], data: preprocessFrame(syntheticFrame(f)) },
      });
    const decodeChoose = async (
      embed: Float32Array,
      feats: Record<string, Float32Array>,
      prompt: Float32Array,
      K: number,
    ) => {
      const out = await stages.run('mask_decoder', {
        image_embed: { dtype: 'float32', dims: [1, 256, S, S], data: embed },
        high_res_feat0: {
          dtype: 'float32',
          dims: [1, 32, 256, 256],
          data: feats.high_res_feat0 as Float32Array,
        },
        high_res_feat1: {
          dtype: 'float32',
          dims: [1, 64, 128, 128],
          data: feats.high_res_feat1 as Float32Array,
        },
        prompt_embed: { dtype: 'float32', dims: [1, K, 256], data: prompt },
      });
      const idx = bestMultimaskIndex(out.iou_pred as Float32Array, 0);
      const score = (out.object_score_logits as Float32Array)[0] as number;
      const logits = (out.low_res_masks as Float32Array).slice(idx * 65536, (idx + 1) * 65536);
      if (score <= 0) logits.fill(-1024);
      return { logits, score, ptr: (out.obj_ptr as Float32Array).slice(idx * 256, (idx + 1) * 256) };
    };
    const remember = async (
      feats: Record<string, Float32Array>,
      chosen: { logits: Float32Array; score: number },
    ) => {
      const out = await stages.run('memory_encoder', {
        vision_feat: { dtype: 'float32', dims: [1, 256, S, S], data: feats.vision_feat as Float32Array },
        mask_logits: { dtype: 'float32', dims: [1, 1, 256, 256], data: chosen.logits },
        object_score_logits: { dtype: 'float32', dims: [1, 1], data: Float32Array.of(chosen.score) },
      });
      return roundToBfloat16InPlace(out.maskmem_features as Float32Array);
    };
    const f3 = await encode(3);
    const f7 = await encode(7);
    const k3 = await decodeChoose(f3.pix_feat_no_mem as Float32Array, f3, seg, 1);
    const k7 = await decodeChoose(f7.pix_feat_no_mem as Float32Array, f7, seg, 1);
    const m3 = await remember(f3, k3);
    const m7 = await remember(f7, k7);
    const f4 = await encode(4);
    const memories = new Float32Array(2 * m3.length);
    memories.set(m3, 0);
    memories.set(m7, m3.length);
    const attended = await stages.run('memory_attention', {
      vision_feat: { dtype: 'float32', dims: [1, 256, S, S], data: f4.vision_feat as Float32Array },
      maskmem_features: { dtype: 'float32', dims: [2, 1, 64, S, S], data: memories },
      maskmem_tpos_index: { dtype: 'int64', dims: [2], data: BigInt64Array.of(6n, 6n) },
      obj_ptrs: { dtype: 'float32', dims: [1, 1, 256], data: k3.ptr },
      obj_ptr_tpos: { dtype: 'float32', dims: [1], data: Float32Array.of(1 / 9) }, // offset 1 / (min(T,16) - 1)
    });
    const tracked = await decodeChoose(
      attended.pix_feat_with_mem as Float32Array,
      f4,
      new Float32Array(0),
      0,
    );
    const fromBridge = results.find((r) => r.frameIndex === 4)?.objects[0];
    expect(maxAbsDiff(tracked.logits, fromBridge?.lowResLogits as Float32Array)).toBeLessThan(1e-5);
    expect(fromBridge?.objectScore).toBeCloseTo(tracked.score, 5);
    expect(maxAbsDiff(k3.logits, results[0]?.objects[0]?.lowResLogits as Float32Array)).toBeLessThan(1e-5);
  });

  it('tracks several objects as one batch: object 0 of a B = 2 run equals the B = 1 run', async () => {
    const other = segEmbedding(7);
    const both = new Float32Array(512);
    both.set(seg, 0);
    both.set(other, 256);
    let batched: FrameMasks[] = [];
    const leaks = await measureLeaks(async () => {
      batched = await runAll(bridge, both, [2], 4);
    });
    // Every ORT tensor of the run was released (inputs and outputs): nothing accumulates per frame.
    expect(leaks.ortTensors).toBe(0);
    const single = await runAll(bridge, seg, [2], 4);
    for (const [i, r] of batched.entries()) {
      expect(r.objects).toHaveLength(2);
      const want = single[i]?.objects[0]?.lowResLogits as Float32Array;
      expect(maxAbsDiff(r.objects[0]?.lowResLogits as Float32Array, want)).toBeLessThan(1e-4);
    }
    // The second object's embedding changes its result: on the keyframe directly, and through memory after it.
    const key = batched.find((r) => r.frameIndex === 2);
    expect(
      maxAbsDiff(
        key?.objects[0]?.lowResLogits as Float32Array,
        key?.objects[1]?.lowResLogits as Float32Array,
      ),
    ).toBeGreaterThan(1e-3);
    const tracked = batched.find((r) => r.frameIndex === 3);
    expect(
      Math.abs((tracked?.objects[0]?.objectScore as number) - (tracked?.objects[1]?.objectScore as number)),
    ).toBeGreaterThan(1e-5);
  });

  it('rejects bad requests with typed errors', async () => {
    const drain = async (request: Parameters<Sam2Bridge['track']>[0]) => {
      for await (const _ of bridge.track(request)) {
        // consume
      }
    };
    const key = { frameIndex: 1, frame: syntheticFrame(1), segEmbeddings: seg };
    await expect(drain({ numFrames: 3, keyframes: [], frames: frames(3) })).rejects.toThrow(Sam2InputError);
    await expect(
      drain({
        numFrames: 3,
        keyframes: [{ ...key, segEmbeddings: new Float32Array(100) }],
        frames: frames(3),
      }),
    ).rejects.toThrow(/segEmbeddings/);
    await expect(
      drain({ numFrames: 3, keyframes: [{ ...key, frameIndex: 5 }], frames: frames(3) }),
    ).rejects.toThrow(/frameIndex in \[0, 2\]/);
    await expect(drain({ numFrames: 5, keyframes: [key], frames: frames(3) })).rejects.toThrow(/5 frames/);
    const bad = { ...key, frame: { width: 4, height: 4, data: new Uint8Array(10) } };
    await expect(drain({ numFrames: 3, keyframes: [bad], frames: frames(3) })).rejects.toThrow(/48 bytes/);
  });
});

describe('Sam2Bridge behaviours', () => {
  it('fills absent-object masks with −1024 under SAM2.1 and keeps them under the sa2va preset', async () => {
    // Same tiny model, but the object-score head's last bias pushed far negative: "absent" everywhere.
    const tiny = buildTinySam2({ seed: 1 });
    const weights = maskDecoderWeightsFrom(
      await readSafetensors(path.join(FIXTURE, 'mask_decoder.safetensors')),
    );
    const bias = weights.tensors.get('sam_mask_decoder.pred_obj_score_head.layers.2.bias')
      ?.data as Float32Array;
    const tensors = new Map(weights.tensors);
    tensors.set('sam_mask_decoder.pred_obj_score_head.layers.2.bias', {
      dims: [1],
      data: Float32Array.of((bias[0] as number) - 100),
    });
    const graphs = { ...tiny.graphs, mask_decoder: buildMaskDecoderGraph({ ...weights, tensors }) };
    const stages = await Sam2Stages.fromGraphs(
      await readManifest(path.join(FIXTURE, SAM2_MANIFEST_FILE)),
      graphs,
      { device: 'cpu', env: {} },
    );
    const bridge = new Sam2Bridge(stages);
    const seg = segEmbedding(42);
    const sam21 = await runAll(bridge, seg, [1], 3);
    const collect = async () => {
      const out: FrameMasks[] = [];
      for await (const r of bridge.track({
        numFrames: 3,
        keyframes: [{ frameIndex: 1, frame: syntheticFrame(1), segEmbeddings: seg }],
        frames: frames(3),
        behaviour: { fillAbsentWithNoObjScore: false },
      })) {
        out.push(r);
      }
      return out;
    };
    const sa2va = await collect();
    await stages.release();
    for (const r of sam21) {
      expect(r.objects[0]?.objectScore).toBeLessThan(0);
      expect(r.objects[0]?.lowResLogits.every((v) => v === -1024)).toBe(true);
      expect(r.objects[0]?.mask.data.every((v) => v === 0)).toBe(true);
    }
    for (const r of sa2va) expect(r.objects[0]?.lowResLogits.some((v) => v !== -1024)).toBe(true);
  });
});
