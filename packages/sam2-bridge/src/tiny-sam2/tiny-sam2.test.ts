import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameMasks, KeyframePrompt, Sam2Bridge, Sam2FrameInput } from '../bridge/sam2-bridge.js';
import { Sam2Bridge as Bridge } from '../bridge/sam2-bridge.js';
import { gaussianSource } from '../decoder/mask-decoder-weights.js';
import { Sam2InputError } from '../errors/input-error.js';
import { Sam2ManifestError } from '../errors/manifest-error.js';
import { Sam2WeightsError } from '../errors/weights-error.js';
import { resizeLogitsBilinear } from '../image/postprocess.js';
import { preprocessFrame } from '../image/preprocess.js';
import { SAM2_MANIFEST_FILE } from '../stages/manifest.js';
import { drawDiscScene } from '../testing/disc-scene.js';
import { serializeSafetensors } from '../weights/safetensors.js';
import { TfjsTinySam2, TINY_SAM2_WEIGHTS_FILE } from './tfjs-tiny-sam2.js';
import { TINY_SAM2_CONFIGS } from './tiny-sam2-config.js';
import { tinySam2WeightSet } from './tiny-sam2-weights.js';

const SIZE = 128;
const L = 32;

function segEmbedding(seed: number): Float32Array {
  const r = gaussianSource(seed);
  return Float32Array.from({ length: 256 }, () => r());
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

async function* streamFrames(count: number, log?: string[]): AsyncGenerator<Sam2FrameInput> {
  for (let f = 0; f < count; f++) {
    log?.push(`frame ${f}`);
    yield { frameIndex: f, ...drawDiscScene(500 + f).frame };
  }
}

async function collect(bridge: Sam2Bridge, numFrames: number, keyframes: KeyframePrompt[], log?: string[]) {
  const out: FrameMasks[] = [];
  for await (const r of bridge.track({ numFrames, keyframes, frames: streamFrames(numFrames, log) })) {
    log?.push(`result ${r.frameIndex}`);
    out.push(r);
  }
  return out;
}

/** tfjs forward on frames 500.. with one embedding per frame: chosen logits, as host arrays. */
function tfjsLogits(model: TfjsTinySam2, frames: number[], seg: Float32Array[]) {
  return tf.tidy(() => {
    const images = model.preprocess(frames.map((f) => drawDiscScene(500 + f).frame));
    const prompt = tf.tensor3d(Float32Array.from(seg.flatMap((s) => Array.from(s))), [frames.length, 1, 256]);
    const out = model.forward({ images, promptEmbed: prompt });
    return {
      logits: out.lowResLogits.dataSync().slice(),
      score: out.objectScoreLogits.dataSync().slice(),
      iou: out.iouPred.dataSync().slice(),
      upsampled: model.upsampleLogits(out.lowResLogits, SIZE, SIZE).dataSync().slice(),
    };
  });
}

describe('TfjsTinySam2 (tiny-128) vs the ONNX bridge on the same weights', () => {
  let model: TfjsTinySam2;
  let bridge: Sam2Bridge;
  const segA = segEmbedding(11);
  const segB = segEmbedding(12);

  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm', env: {} });
    model = TfjsTinySam2.create({ seed: 5 });
    bridge = await model.toBridge({ device: 'cpu', env: {} });
  }, 60_000);
  afterAll(async () => {
    model?.dispose();
    await bridge?.stages.release();
  });

  it('has the tiny-128 dims everywhere: manifest, contract, preset behaviour', () => {
    expect(bridge.manifest.dims).toEqual({
      imageSize: 128,
      embedDim: 256,
      memDim: 64,
      featSize: 8,
      lowResSize: 32,
    });
    expect(bridge.manifest.preset).toBe('tiny-128');
    expect(bridge.manifest.behaviour.promptEveryFrame).toBe(true);
    expect(bridge.manifest.behaviour.bestOfThree).toBe(false);
    expect(model.parameterCount).toBeGreaterThan(500_000);
  });

  it('gives the same low-res logits, object scores and masks as ONNX Runtime through Sam2Bridge.track', async () => {
    // Keyframes 0 (segA) and 4 (segB): frames 0, 1 take segA; 2 is equidistant → segA (the earlier); 3, 4 segB.
    const results = await collect(bridge, 5, [
      { frameIndex: 0, frame: drawDiscScene(500).frame, segEmbeddings: segA },
      { frameIndex: 4, frame: drawDiscScene(504).frame, segEmbeddings: segB },
    ]);
    const want = tfjsLogits(model, [0, 1, 2, 3, 4], [segA, segA, segA, segB, segB]);
    expect(results.map((r) => r.frameIndex)).toEqual([0, 1, 2, 3, 4]);
    let disagreements = 0;
    for (const [i, r] of results.entries()) {
      const obj = r.objects[0];
      expect(obj?.lowResLogits.length).toBe(L * L);
      const tfjs = want.logits.subarray(i * L * L, (i + 1) * L * L);
      // Non-trivial logits (both signs), equal within float32 noise.
      expect(Math.max(...tfjs)).toBeGreaterThan(0.05);
      expect(Math.min(...tfjs)).toBeLessThan(-0.05);
      expect(maxAbsDiff(obj?.lowResLogits as Float32Array, tfjs)).toBeLessThan(1e-4);
      expect(obj?.objectScore).toBeCloseTo(want.score[i] as number, 4);
      expect(obj?.iou).toBeCloseTo(want.iou[i * 4] as number, 4);
      expect(obj?.maskIndex).toBe(0);
      // The bridge's mask at the frame size = the tfjs upsampled logits > 0 (the loss's space).
      const up = want.upsampled.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
      for (let p = 0; p < up.length; p++) {
        if (Math.abs(up[p] as number) > 1e-4 && (obj?.mask.data[p] === 1) !== (up[p] as number) > 0)
          disagreements++;
      }
    }
    expect(disagreements).toBe(0);
  });

  it('promptEveryFrame: one mask per frame, each frame prompted, no memory stage run, frames pulled one at a time', async () => {
    const before = { ...bridge.stages.timings.memory_encoder };
    const log: string[] = [];
    const results = await collect(
      bridge,
      6,
      [{ frameIndex: 4, frame: drawDiscScene(504).frame, segEmbeddings: segA }],
      log,
    );
    expect(results.map((r) => r.frameIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const r of results) {
      expect(r.pass).toBe('keyframe');
      expect(r.promptTokens).toBe(1);
      expect(r.memory).toBeNull();
      expect(r.objects).toHaveLength(1);
      expect(r.objects[0]?.mask.width).toBe(SIZE);
      expect(r.objects[0]?.mask.height).toBe(SIZE);
    }
    expect(bridge.stages.timings.memory_encoder.calls).toBe(before.calls);
    expect(bridge.stages.timings.memory_attention.calls).toBe(0);
    // Streaming: frame f+1 is only pulled after result f was handed out (bounded memory).
    expect(log.slice(0, 6)).toEqual(['frame 0', 'result 0', 'frame 1', 'result 1', 'frame 2', 'result 2']);
  });

  it('runs the memory path when the behaviour is switched off per call (the graphs meet the 128-px contract)', async () => {
    const out: FrameMasks[] = [];
    for await (const r of bridge.track({
      numFrames: 3,
      keyframes: [{ frameIndex: 1, frame: drawDiscScene(501).frame, segEmbeddings: segA }],
      frames: streamFrames(3),
      behaviour: { promptEveryFrame: false },
    }))
      out.push(r);
    expect(out.map((r) => `${r.frameIndex}:${r.pass}`)).toEqual(['1:keyframe', '2:forward', '0:reverse']);
    expect(out[1]?.memory?.spatialFrames).toEqual([1]);
  });

  it('rejects wrong image sizes and prompt widths with typed errors naming the input', async () => {
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as Sam2InputError;
      }
      throw new Error('no error thrown');
    };
    const prompt = tf.zeros([1, 1, 256]) as tf.Tensor3D;
    const small = tf.zeros([1, 3, 64, 64]) as tf.Tensor4D;
    const e1 = error(() => model.forward({ images: small, promptEmbed: prompt }));
    expect(Sam2InputError.isInstance(e1)).toBe(true);
    expect(e1.input).toBe('images');
    expect(e1.message).toMatch(/expected f32 \[B, 3, 128, 128\].*received \[1, 3, 64, 64\]/);
    const images = tf.zeros([1, 3, 128, 128]) as tf.Tensor4D;
    const e2 = error(() => model.forward({ images, promptEmbed: tf.zeros([1, 1, 128]) as tf.Tensor3D }));
    expect(e2.input).toBe('promptEmbed');
    expect(e2.message).toMatch(/\[1, K, 256\].*received \[1, 1, 128\]/);
    const e3 = error(() => model.forward({ images, promptEmbed: tf.zeros([2, 1, 256]) as tf.Tensor3D }));
    expect(e3.input).toBe('promptEmbed');
    const out = model.forward({ images, promptEmbed: prompt });
    const e4 = error(() => model.loss(out, tf.zeros([2, 128, 128]) as tf.Tensor3D));
    expect(e4.input).toBe('targets');
    tf.dispose([
      prompt,
      small,
      images,
      out.lowResLogits,
      out.lowResMasks,
      out.iouPred,
      out.objectScoreLogits,
    ]);
    // A config whose decoder grid does not match its dims.
    const tiny = TINY_SAM2_CONFIGS['tiny-128'];
    const e5 = error(() =>
      TfjsTinySam2.create({ config: { ...tiny, decoder: { ...tiny.decoder, featSize: 16 } } }),
    );
    expect(e5.input).toBe('config');
    expect(e5.message).toMatch(/decoder.featSize must be dims.featSize = 8, not 16/);
    // The bridge: a preprocessed frame of the 1024 size on a 128-px model.
    const drain = async () => {
      for await (const _ of bridge.track({
        numFrames: 1,
        keyframes: [{ frameIndex: 0, frame: drawDiscScene(1).frame, segEmbeddings: segA }],
        frames: (async function* () {
          yield { frameIndex: 0, width: 128, height: 128, image: new Float32Array(3 * 1024 * 1024) };
        })(),
      })) {
        // consume
      }
    };
    await expect(drain()).rejects.toThrow(
      /Bad frame at frameIndex 0: expected a preprocessed image of 3 × 128 × 128 floats/,
    );
    await expect(
      (async () => {
        for await (const _ of bridge.track({
          numFrames: 1,
          keyframes: [{ frameIndex: 0, frame: drawDiscScene(1).frame, segEmbeddings: new Float32Array(128) }],
          frames: streamFrames(1),
        })) {
          // consume
        }
      })(),
    ).rejects.toThrow(/segEmbeddings/);
  });

  it('accepts frames preprocessed by the same function the training path uses', async () => {
    const scene = drawDiscScene(501);
    const out: FrameMasks[] = [];
    for await (const r of bridge.track({
      numFrames: 1,
      keyframes: [{ frameIndex: 0, frame: scene.frame, segEmbeddings: segA }],
      frames: (async function* () {
        yield { frameIndex: 0, width: 128, height: 128, image: preprocessFrame(scene.frame, 128) };
      })(),
    }))
      out.push(r);
    const want = tfjsLogits(model, [1], [segA]);
    expect(maxAbsDiff(out[0]?.objects[0]?.lowResLogits as Float32Array, want.logits)).toBeLessThan(1e-4);
  });
});

describe('TfjsTinySam2.upsampleLogits', () => {
  beforeAll(() => selectTfjsBackend({ device: 'wasm', env: {} }));

  it("is the bridge's bilinear resize (align_corners = false), square and not", () => {
    const model = TfjsTinySam2.create({ seed: 1 });
    const logits = tf.randomNormal([2, 1, L, L], 0, 3, 'float32', 5) as tf.Tensor4D;
    const host = logits.dataSync() as Float32Array;
    for (const [H, W] of [
      [128, 128],
      [64, 96],
      [20, 50],
    ] as const) {
      const up = model.upsampleLogits(logits, H, W).dataSync();
      for (let b = 0; b < 2; b++) {
        const want = resizeLogitsBilinear(host.slice(b * L * L, (b + 1) * L * L), L, L, H, W);
        expect(maxAbsDiff(up.subarray(b * H * W, (b + 1) * H * W), want)).toBeLessThan(1e-5);
      }
    }
    logits.dispose();
    model.dispose();
  });
});

describe('TfjsTinySam2 gradients', () => {
  beforeAll(() => selectTfjsBackend({ device: 'wasm', env: {} }));

  it('reach the prompt embedding and the weights, and match central finite differences', () => {
    const model = TfjsTinySam2.create({ seed: 2 });
    const scenes = [drawDiscScene(1), drawDiscScene(2)];
    const images = model.preprocess(scenes.map((s) => s.frame));
    const targets = tf.tensor3d(Float32Array.from(scenes.flatMap((s) => Array.from(s.mask))), [
      2,
      SIZE,
      SIZE,
    ]);
    const prompt = tf.tensor3d(Float32Array.from([...segEmbedding(3), ...segEmbedding(4)]), [2, 1, 256]);
    const lossAt = (p: tf.Tensor3D) =>
      tf.tidy(() => model.loss(model.forward({ images, promptEmbed: p }), targets).dataSync()[0] as number);

    // Prompt: directional derivative along the gradient vs a central difference.
    const grad = tf.grad((p: tf.Tensor) =>
      model.loss(model.forward({ images, promptEmbed: p as tf.Tensor3D }), targets),
    )(prompt);
    const norm = Math.sqrt(grad.square().sum().dataSync()[0] as number);
    expect(norm).toBeGreaterThan(1e-4);
    const dir = grad.div(norm);
    const h = 0.02;
    const numeric =
      (lossAt(prompt.add(dir.mul(h)) as tf.Tensor3D) - lossAt(prompt.sub(dir.mul(h)) as tf.Tensor3D)) /
      (2 * h);
    expect(Math.abs(numeric - norm) / norm).toBeLessThan(0.05);

    // Weights: every encoder variable and the token-0 path get finite, non-zero gradients.
    const { value, grads } = tf.variableGrads(() =>
      model.loss(model.forward({ images, promptEmbed: prompt }), targets),
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [name, v] of model.encoderVariables) {
      const g = grads[v.name]?.dataSync();
      expect(g, name).toBeDefined();
      expect(g?.every(Number.isFinite), name).toBe(true);
      expect(
        g?.some((x) => x !== 0),
        name,
      ).toBe(true);
    }
    for (const name of [
      'sam_mask_decoder.output_hypernetworks_mlps.0.layers.0.weight',
      'sam_mask_decoder.output_upscaling.0.weight',
      'sam_mask_decoder.transformer.layers.0.cross_attn_token_to_image.q_proj.weight',
      'sam_mask_decoder.mask_tokens.weight',
    ]) {
      const v = model.decoder.variables.get(name) as tf.Variable;
      expect(
        grads[v.name]?.dataSync().some((x) => x !== 0),
        name,
      ).toBe(true);
    }
    // One encoder weight: the gradient's directional derivative vs a central difference.
    const stem = model.encoderVariables.get('image_encoder.stem.weight') as tf.Variable;
    const g = grads[stem.name] as tf.Tensor;
    const gNorm = Math.sqrt(g.square().sum().dataSync()[0] as number);
    const original = stem.clone();
    const at = (sign: number) => {
      stem.assign(original.add(g.div(gNorm).mul(sign * 0.01)));
      return lossAt(prompt);
    };
    const fd = (at(1) - at(-1)) / 0.02;
    stem.assign(original);
    expect(Math.abs(fd - gNorm) / gNorm).toBeLessThan(0.05);
    tf.dispose([images, targets, prompt, grad, dir, value, original, ...Object.values(grads)]);
    model.dispose();
  });
});

describe('TfjsTinySam2 checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm', env: {} });
    dir = await mkdtemp(path.join(tmpdir(), 'tiny-sam2-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('save → load round trip: the same numbers in tfjs (resume) and through ONNX Runtime (Sam2Bridge.load)', async () => {
    const model = TfjsTinySam2.create({ seed: 9 });
    // A few Adam steps, so the saved weights are not the seeded ones.
    const scenes = [drawDiscScene(21), drawDiscScene(22)];
    const images = model.preprocess(scenes.map((s) => s.frame));
    const targets = tf.tensor3d(Float32Array.from(scenes.flatMap((s) => Array.from(s.mask))), [
      2,
      SIZE,
      SIZE,
    ]);
    const prompt = tf.tensor3d(Float32Array.from([...segEmbedding(5), ...segEmbedding(5)]), [2, 1, 256]);
    const optimizer = tf.train.adam(1e-2);
    for (let i = 0; i < 3; i++)
      optimizer
        .minimize(
          () => model.loss(model.forward({ images, promptEmbed: prompt }), targets),
          true,
          model.trainableVariables,
        )
        ?.dispose();
    optimizer.dispose();

    const checkpoint = path.join(dir, 'run', 'sam2');
    await model.save(checkpoint, { source: 'round-trip test' });
    await model.save(checkpoint, { source: 'round-trip test' }); // overwriting an existing checkpoint
    expect((await readdir(checkpoint)).sort()).toEqual([
      'image_encoder.onnx',
      'mask_decoder.onnx',
      'memory_attention.onnx',
      'memory_encoder.onnx',
      SAM2_MANIFEST_FILE,
      TINY_SAM2_WEIGHTS_FILE,
    ]);
    expect(await readdir(path.dirname(checkpoint))).toEqual(['sam2']); // no staging leftovers
    const manifest = JSON.parse(await readFile(path.join(checkpoint, SAM2_MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({
      preset: 'tiny-128',
      dims: { imageSize: 128, featSize: 8, lowResSize: 32 },
      behaviour: { promptEveryFrame: true, bestOfThree: false },
      weights: TINY_SAM2_WEIGHTS_FILE,
      source: 'round-trip test',
    });

    const seg = segEmbedding(5);
    const want = tfjsLogits(model, [0, 1], [seg, seg]);
    const resumed = await TfjsTinySam2.load(checkpoint);
    expect(resumed.config).toEqual(model.config);
    expect(resumed.behaviour).toEqual(model.behaviour);
    const again = tfjsLogits(resumed, [0, 1], [seg, seg]);
    expect(maxAbsDiff(again.logits, want.logits)).toBeLessThan(1e-6);
    for (const [name, v] of model.encoderVariables)
      expect(
        maxAbsDiff(
          resumed.encoderVariables.get(name)?.dataSync() as Float32Array,
          v.dataSync() as Float32Array,
        ),
      ).toBe(0);

    const bridge = await Bridge.load(checkpoint, { device: 'cpu', env: {} });
    const results = await collect(bridge, 2, [
      { frameIndex: 0, frame: drawDiscScene(500).frame, segEmbeddings: seg },
    ]);
    await bridge.stages.release();
    for (const [i, r] of results.entries())
      expect(
        maxAbsDiff(
          r.objects[0]?.lowResLogits as Float32Array,
          want.logits.subarray(i * L * L, (i + 1) * L * L),
        ),
      ).toBeLessThan(1e-4);

    // A loaded model that trains on saves what it holds now, not the tensors it was loaded with.
    for (const v of resumed.trainableVariables) v.assign(tf.tidy(() => tf.add(v, 0.25)));
    const trainedOn = path.join(dir, 'run', 'sam2-trained-on');
    await resumed.save(trainedOn);
    const reloaded = await TfjsTinySam2.load(trainedOn);
    const held = resumed.trainableVariables;
    const read = reloaded.trainableVariables;
    expect(read.length).toBe(held.length);
    for (const [i, v] of held.entries())
      expect(
        maxAbsDiff(read[i]!.dataSync() as Float32Array, v.dataSync() as Float32Array),
        `variable ${i}`,
      ).toBe(0);
    tf.dispose([images, targets, prompt]);
    model.dispose();
    resumed.dispose();
    reloaded.dispose();
  });

  it('reports a tensor missing from the weights file, a bad manifest field, and a missing weights entry', async () => {
    const model = TfjsTinySam2.create({ seed: 4 });
    const checkpoint = path.join(dir, 'broken');
    await model.save(checkpoint);
    const set = tinySam2WeightSet(model.toWeights());
    const tensors = new Map(set.tensors);
    tensors.delete('image_encoder.context.1.weight');
    await writeFile(path.join(checkpoint, TINY_SAM2_WEIGHTS_FILE), serializeSafetensors({ ...set, tensors }));
    const error = await TfjsTinySam2.load(checkpoint).catch((e: unknown) => e);
    expect(Sam2WeightsError.isInstance(error)).toBe(true);
    expect((error as Sam2WeightsError).tensorName).toBe('image_encoder.context.1.weight');

    const manifestPath = path.join(checkpoint, SAM2_MANIFEST_FILE);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, dims: { ...manifest.dims, featSize: 64 } }));
    const bad = await TfjsTinySam2.load(checkpoint).catch((e: unknown) => e);
    expect(Sam2ManifestError.isInstance(bad)).toBe(true);
    expect((bad as Sam2ManifestError).field).toBe('dims.featSize');
    await expect(Bridge.load(checkpoint, { device: 'cpu', env: {} })).rejects.toThrow(
      /dims.featSize.*imageSize \/ 16 = 8/,
    );

    const { weights: _, ...withoutWeights } = manifest;
    await writeFile(manifestPath, JSON.stringify(withoutWeights));
    const none = await TfjsTinySam2.load(checkpoint).catch((e: unknown) => e);
    expect((none as Sam2ManifestError).field).toBe('weights');
    model.dispose();
  });
});
