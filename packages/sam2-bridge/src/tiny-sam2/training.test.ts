import { measureLeaks, selectTfjsBackend, tf } from '@videoloom/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawDiscScene } from '../testing/disc-scene.js';
import { TfjsTinySam2 } from './tfjs-tiny-sam2.js';

const SIZE = 128;
const B = 8;

/** Mean IoU of (upsampled logits > 0) against the masks, per image then averaged. */
function meanIou(model: TfjsTinySam2, images: tf.Tensor4D, masks: tf.Tensor3D, seg: tf.Tensor3D): number {
  return tf.tidy(() => {
    const n = images.shape[0];
    const out = model.forward({ images, promptEmbed: tf.tile(seg, [n, 1, 1]) as tf.Tensor3D });
    const pred = tf.cast(tf.greater(model.upsampleLogits(out.lowResLogits, SIZE, SIZE), 0), 'float32');
    const inter = tf.sum(tf.mul(pred, masks), [1, 2]);
    const union = tf.sum(tf.maximum(pred, masks), [1, 2]);
    return tf.mean(tf.div(inter, tf.maximum(union, 1))).dataSync()[0] as number;
  });
}

function batch(model: TfjsTinySam2, seeds: number[]) {
  const scenes = seeds.map((s) => drawDiscScene(s));
  return {
    images: model.preprocess(scenes.map((s) => s.frame)),
    masks: tf.tensor3d(Float32Array.from(scenes.flatMap((s) => Array.from(s.mask))), [
      seeds.length,
      SIZE,
      SIZE,
    ]),
  };
}

describe('TfjsTinySam2 training from scratch (wasm)', () => {
  beforeAll(() => selectTfjsBackend({ device: 'wasm', env: {} }));

  it('learns to segment a red disc on textured backgrounds, prompted by one learnable embedding', async () => {
    const model = TfjsTinySam2.create({ seed: 1 });
    const train = Array.from({ length: 2 }, (_, i) =>
      batch(
        model,
        Array.from({ length: B }, (_, j) => 100 + i * B + j),
      ),
    );
    const heldOut = batch(
      model,
      Array.from({ length: B }, (_, j) => 900 + j),
    );
    // The [SEG] stand-in: one embedding, tiled over the batch, trained with the model.
    const seg = tf.variable(
      tf.randomNormal([1, 1, 256], 0, 1, 'float32', 7),
      true,
    ) as tf.Variable<tf.Rank.R3>;
    const optimizer = tf.train.adam(1e-3);
    const variables = [...model.trainableVariables, seg];
    const losses: number[] = [];
    const stepMs: number[] = [];
    const ious = { before: meanIou(model, heldOut.images, heldOut.masks, seg), after: 0 };
    const segBefore = seg.dataSync().slice();
    const leaks = await measureLeaks(() => {
      for (let step = 0; step < 16; step++) {
        const { images, masks } = train[step % train.length] as (typeof train)[number];
        const start = performance.now();
        const cost = optimizer.minimize(
          () =>
            model.loss(model.forward({ images, promptEmbed: tf.tile(seg, [B, 1, 1]) as tf.Tensor3D }), masks),
          true,
          variables,
        );
        losses.push(cost?.dataSync()[0] as number);
        stepMs.push(performance.now() - start);
        cost?.dispose();
      }
    });
    ious.after = meanIou(model, heldOut.images, heldOut.masks, seg);
    const first = (losses[0] as number) + (losses[1] as number);
    const last = (losses.at(-1) as number) + (losses.at(-2) as number);
    console.info(
      `tiny-128 training: loss ${losses.map((l) => l.toFixed(3)).join(' ')}; held-out IoU ${ious.before.toFixed(3)} → ${ious.after.toFixed(3)}; ` +
        `median step (B = ${B}) ${stepMs.sort((a, b) => a - b)[8]?.toFixed(0)} ms`,
    );
    expect(last).toBeLessThan(0.3 * first);
    expect(ious.after).toBeGreaterThan(0.6);
    expect(ious.after).toBeGreaterThan(ious.before + 0.3);
    // The embedding itself moved: gradients reach the prompt (the LLM's seg head would train).
    expect(Array.from(seg.dataSync()).some((v, i) => v !== segBefore[i])).toBe(true);
    // Adam keeps two moment slots per variable; nothing else may survive the steps.
    expect(leaks.tfjsTensors).toBeLessThanOrEqual(2 * variables.length);
    optimizer.dispose();
    tf.dispose([seg, heldOut.images, heldOut.masks, ...train.flatMap((t) => [t.images, t.masks])]);
    model.dispose();
  }, 120_000);

  it("computes Sa2VA's low-res loss too (targets nearest-resized to 32×32), and an optional object-score term", () => {
    const model = TfjsTinySam2.create({ seed: 3 });
    const { images, masks } = batch(model, [1, 2]);
    const empty = tf.zeros([1, SIZE, SIZE]) as tf.Tensor3D;
    const both = tf.concat([masks.slice([0, 0, 0], [1, SIZE, SIZE]), empty]) as tf.Tensor3D;
    const prompt = tf.randomNormal([2, 1, 256], 0, 1, 'float32', 1) as tf.Tensor3D;
    const out = model.forward({ images, promptEmbed: prompt });
    const atTarget = model.lossTerms(out, both);
    const lowRes = model.lossTerms(out, both, { lossAt: 'lowRes' });
    const withScore = model.lossTerms(out, both, { objectScoreWeight: 1 });
    const v = (t: tf.Scalar) => t.dataSync()[0] as number;
    expect(v(atTarget.total)).toBeCloseTo(2 * v(atTarget.bce) + 0.5 * v(atTarget.dice), 5);
    // Same logits, different resolution: close but not equal.
    expect(Math.abs(v(lowRes.total) - v(atTarget.total))).toBeGreaterThan(1e-6);
    expect(Math.abs(v(lowRes.total) - v(atTarget.total))).toBeLessThan(0.5 * v(atTarget.total));
    // Object score: target "present" for image 0, "absent" for the empty mask.
    const s = out.objectScoreLogits.dataSync();
    const softplus = (x: number) => Math.log1p(Math.exp(x));
    const expected = (softplus(-(s[0] as number)) + softplus(s[1] as number)) / 2;
    expect(v(withScore.objectScore)).toBeCloseTo(expected, 5);
    expect(v(withScore.total)).toBeCloseTo(v(atTarget.total) + expected, 5);
    tf.dispose([
      images,
      masks,
      empty,
      both,
      prompt,
      out.lowResLogits,
      out.lowResMasks,
      out.iouPred,
      out.objectScoreLogits,
    ]);
    tf.dispose([...Object.values(atTarget), ...Object.values(lowRes), ...Object.values(withScore)]);
    model.dispose();
  });
});
