/**
 * Probe of the tiny vision path alone (ViT -> projector -> fast pooling -> a small head over each frame
 * token and its two neighbours): can it learn per-frame facts of LoomBench-Synth? Diagnostics for the
 * When work; not part of CI. Prints validation accuracies every 100 steps.
 *
 *   npx tsx experiments/vision-probe.ts --train DIR --val DIR [--pool avg|max] [--pool-size 4] [--motion]
 *     [--steps 300] [--lr 0.002] [--actions main|per-colour] [--trivial | --colour-only]
 *     [--vision-hidden N] [--vision-layers N] [--train-videos 400] [--videos-per-step 2] [--window N]
 *     [--save DIR] [--init-range R] [--patch-mlp]
 *
 * Labels per fast frame: which colours are on screen (sigmoid), and the action being done (softmax,
 * "none" included): the main character's (`main`), or every visible character's (`per-colour`,
 * accuracy counted on visible colours). `--trivial` swaps the colour labels for "is this channel's
 * frame mean above -0.4" (a check that the path trains at all) and drops the action term;
 * `--colour-only` drops the action term. `--window N` trains on N consecutive fast frames of each video
 * (more videos per step for the same frames). `--save DIR` writes the model every 500 steps and at the
 * end in the slowfast preset's sizes and vocabulary, so `videoloom-train --init DIR` can start a joint
 * run from its ViT and projector (stage 1 of a stage-wise run). `--init-range R`: the standard
 * deviation of fresh weights (vision and projector), instead of the presets'. `--patch-mlp`: a baseline
 * in place of the vision path, the simplest model that can tell colours apart (one ReLU layer over each
 * patch's pixels, max over the patches): is the ViT slower than it?
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { ACTIONS, CHARACTER_COLORS } from '@videoloom/data';
import { type ParameterGroup, resolveModelConfig, saveModel, VideoLoomModel } from '@videoloom/llm-core';
import { loadTokenizer, tinyTokenizerDir } from '@videoloom/tokenizer';
import { frameEventTargets } from '../src/joint/examples.js';
import { type PreparedVideo, prepareVideoCached, readSynthSplit } from '../src/joint/synth-videos.js';
import { TRAINING_PRESETS } from '../src/joint/training-config.js';

const { values } = parseArgs({
  options: {
    train: { type: 'string' },
    val: { type: 'string' },
    pool: { type: 'string', default: 'avg' },
    'pool-size': { type: 'string', default: '4' },
    'vision-hidden': { type: 'string' },
    'vision-layers': { type: 'string' },
    motion: { type: 'boolean', default: false },
    steps: { type: 'string', default: '300' },
    lr: { type: 'string', default: '0.002' },
    actions: { type: 'string', default: 'main' },
    trivial: { type: 'boolean', default: false },
    'colour-only': { type: 'boolean', default: false },
    save: { type: 'string' },
    'train-videos': { type: 'string', default: '400' },
    'videos-per-step': { type: 'string', default: '2' },
    window: { type: 'string' },
    'init-range': { type: 'string' },
    'patch-mlp': { type: 'boolean', default: false },
  },
});
if (!values.train || !values.val) {
  process.stderr.write('usage: vision-probe.ts --train DIR --val DIR [options]\n');
  process.exit(2);
}
await selectTfjsBackend({ device: 'wasm' });
const base = TRAINING_PRESETS.slowfast;
const COLOURS = Object.keys(CHARACTER_COLORS);
const C = COLOURS.length;
const A = ACTIONS.length;
const perColour = values.actions === 'per-colour';
/** Action slots per frame: one per colour, or the main character's only. */
const slots = perColour ? C : 1;
const S = base.sampling.mllmSize;
const tokenizer = loadTokenizer(tinyTokenizerDir());
const specialIds = tokenizer.specialTokenIds();
const config = resolveModelConfig({
  ...base.model,
  vision: {
    ...base.model.vision,
    ...(values['vision-hidden'] ? { hiddenSize: Number(values['vision-hidden']) } : {}),
    ...(values['vision-layers'] ? { numLayers: Number(values['vision-layers']) } : {}),
    ...(values['init-range'] ? { initializerRange: Number(values['init-range']) } : {}),
  },
  fastPool: { poolSize: Number(values['pool-size']), operator: values.pool as 'avg' | 'max' },
  fastFrameMotion: values.motion,
  // The joint run's vocabulary, so a saved probe initialises a joint run's model tensor for tensor.
  decoder: {
    ...base.model.decoder,
    vocabSize: tokenizer.vocabSize,
    ...(values['init-range'] ? { initializerRange: Number(values['init-range']) } : {}),
  },
  specialTokens: { imgContext: specialIds.imageContext, seg: specialIds.segmentation },
});
const model = VideoLoomModel.create(config, { seed: 1 });

interface Labelled {
  readonly video: PreparedVideo;
  readonly frames: number;
  /** First fast frame of this view (windows of a video share its pixels). */
  readonly offset: number;
  readonly colours: Float32Array; // [nf, C]
  readonly actions: Int32Array; // [nf, slots], A = none
  readonly actionWeights: Float32Array; // [nf, slots]: which slots count
}

async function load(dir: string, count: number, source: 'render' | undefined): Promise<Labelled[]> {
  const split = await readSynthSplit(dir);
  const out: Labelled[] = [];
  for (const id of split.videoIds.slice(0, count)) {
    const video = await prepareVideoCached(split, id, base.sampling, source);
    const timeline = video.timeline!;
    const events = frameEventTargets(video.scenario, timeline);
    const nf = timeline.length;
    const perFrame = events.length / nf;
    const colours = new Float32Array(nf * C);
    const actions = new Int32Array(nf * slots).fill(A);
    const actionWeights = new Float32Array(nf * slots).fill(perColour ? 0 : 1);
    const main = COLOURS.indexOf(video.scenario.main.color);
    for (let t = 0; t < nf; t++) {
      for (let k = 0; k < C * A; k++) {
        if (!events[t * perFrame + k]) continue; // the "active" block: colour * A + action
        const colour = Math.floor(k / A);
        colours[t * C + colour] = 1;
        if (perColour) {
          actions[t * C + colour] = k % A;
          actionWeights[t * C + colour] = 1;
        } else if (colour === main) actions[t] = k % A;
      }
      if (values.trivial) {
        colours.fill(0, t * C, (t + 1) * C);
        for (let c = 0; c < 3; c++) {
          const plane = video.mllmPixels.subarray((t * 3 + c) * S * S, (t * 3 + c + 1) * S * S);
          colours[t * C + c] = plane.reduce((a, b) => a + b, 0) / plane.length > -0.4 ? 1 : 0;
        }
      }
    }
    out.push({ video, frames: nf, offset: 0, colours, actions, actionWeights });
  }
  return out;
}

// Training frames are rendered from the generator (as training does); validation decodes the mp4s.
const train = await load(values.train, Number(values['train-videos']), 'render');
const val = await load(values.val, 40, undefined);
/** Tokens per fast frame after pixel shuffle and pooling, concatenated into one frame feature. */
const tokensPerFrame =
  (config.vision.imageSize / config.vision.patchSize / 2 / config.fastPool.poolSize) ** 2;
const patchMlp = values['patch-mlp'];
const D = patchMlp ? config.decoder.hiddenSize : config.decoder.hiddenSize * tokensPerFrame;
const P = config.vision.patchSize;
const patchWeights = tf.variable(tf.randomNormal([3 * P * P, D], 0, 0.02, 'float32', 13));
const patchBias = tf.variable(tf.zeros([D]));
const outputs = C + slots * (A + 1);
const w1 = tf.variable(tf.randomNormal([3 * D, 128], 0, 1 / Math.sqrt(3 * D), 'float32', 11));
const b1 = tf.variable(tf.zeros([128]));
const w2 = tf.variable(tf.randomNormal([128, outputs], 0, 0.1, 'float32', 12));
const b2 = tf.variable(tf.zeros([outputs]));
const groups = new Set<ParameterGroup>(['vision', 'projector']);
const variables = [...(patchMlp ? [patchWeights, patchBias] : model.setTrainable(groups)), w1, b1, w2, b2];

/** `--patch-mlp`'s frame feature `[nf, D]`: max over patches of relu(pixels of the patch @ W + b). */
function patchMlpFeatures(pixels: tf.Tensor4D): tf.Tensor2D {
  const nf = pixels.shape[0];
  const g = S / P;
  const patches = tf
    .transpose(pixels.reshape([nf, 3, g, P, g, P]), [0, 2, 4, 1, 3, 5])
    .reshape([nf * g * g, 3 * P * P]);
  return tf
    .relu(tf.add(tf.matMul(patches, patchWeights), patchBias))
    .reshape([nf, g * g, D])
    .max(1);
}

/** Logits `[nf, outputs]` of one video's fast frames. */
function logitsOf(item: Labelled): tf.Tensor2D {
  const nf = item.frames;
  const pixels = tf.tensor4d(
    item.video.mllmPixels.subarray(item.offset * 3 * S * S, (item.offset + nf) * 3 * S * S),
    [nf, 3, S, S],
  );
  const tokens = patchMlp ? patchMlpFeatures(pixels) : model.videoTokens(pixels, null).reshape([nf, D]);
  const previous = tf.concat([tokens.slice([0, 0], [1, D]), tokens.slice([0, 0], [nf - 1, D])]);
  const next = tf.concat([tokens.slice([1, 0], [nf - 1, D]), tokens.slice([nf - 1, 0], [1, D])]);
  const hidden = tf.relu(tf.add(tf.matMul(tf.concat([previous, tokens, next], 1), w1), b1));
  return tf.add(tf.matMul(hidden, w2), b2) as tf.Tensor2D;
}

function lossOf(item: Labelled): tf.Scalar {
  const nf = item.frames;
  const logits = logitsOf(item);
  const colourLoss = tf.div(
    tf.losses.sigmoidCrossEntropy(
      tf.tensor2d(item.colours, [nf, C]),
      logits.slice([0, 0], [nf, C]),
      undefined,
      0,
      tf.Reduction.SUM,
    ),
    nf,
  );
  if (values.trivial || values['colour-only']) return colourLoss as tf.Scalar;
  // Summed and divided by the counted slots (at least 1): a window may show no character at all.
  const counted = Math.max(
    1,
    item.actionWeights.reduce((a, b) => a + b, 0),
  );
  const actionLoss = tf.div(
    tf.losses.softmaxCrossEntropy(
      tf.oneHot(tf.tensor1d(item.actions, 'int32'), A + 1),
      logits.slice([0, C], [nf, slots * (A + 1)]).reshape([nf * slots, A + 1]),
      tf.tensor1d(item.actionWeights),
      0,
      tf.Reduction.SUM,
    ),
    counted,
  );
  return tf.add(colourLoss, tf.mul(actionLoss, slots)) as tf.Scalar;
}

function validate(): string {
  return tf.tidy(() => {
    let colourHits = 0;
    let colourCount = 0;
    let actionHits = 0;
    let actionCount = 0;
    for (const item of val) {
      const nf = item.frames;
      const logits = logitsOf(item);
      const colours = logits.slice([0, 0], [nf, C]).greater(0).dataSync();
      const actions = logits
        .slice([0, C], [nf, slots * (A + 1)])
        .reshape([nf * slots, A + 1])
        .argMax(1)
        .dataSync();
      for (let i = 0; i < nf * C; i++) {
        colourHits += Number(colours[i] === item.colours[i]);
        colourCount++;
      }
      for (let i = 0; i < nf * slots; i++) {
        if (!item.actionWeights[i]) continue;
        actionHits += Number(actions[i] === item.actions[i]);
        actionCount++;
      }
    }
    return `colour acc ${(colourHits / colourCount).toFixed(3)} action acc ${(actionHits / actionCount).toFixed(3)}`;
  });
}

const optimizer = tf.train.adam(Number(values.lr));
const steps = Number(values.steps);
const started = Date.now();
for (let step = 0; step < steps; step++) {
  // More videos per step, each a window of consecutive fast frames: the same frames per step from more
  // scenes.
  const perStep = Number(values['videos-per-step']);
  const batch = Array.from({ length: perStep }, (_, i) => {
    const item = train[(perStep * step + i) % train.length]!;
    const length = Math.min(Number(values.window ?? item.frames), item.frames);
    const offset = (step * 7 + i * 13) % (item.frames - length + 1);
    return {
      ...item,
      frames: length,
      offset,
      colours: item.colours.subarray(offset * C, (offset + length) * C),
      actions: item.actions.subarray(offset * slots, (offset + length) * slots),
      actionWeights: item.actionWeights.subarray(offset * slots, (offset + length) * slots),
    };
  });
  const loss = optimizer.minimize(
    () => tf.tidy(() => tf.div(tf.addN(batch.map(lossOf)), batch.length) as tf.Scalar),
    true,
    variables,
  )!;
  const last = step === steps - 1;
  if (step % 25 === 0 || last) {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const accuracy = step % 100 === 0 || last ? ` ${validate()}` : '';
    process.stdout.write(`step ${step} loss ${(await loss.data())[0]!.toFixed(3)}${accuracy} ${seconds}s\n`);
  }
  loss.dispose();
  if (values.save && (last || (step > 0 && step % 500 === 0))) await saveModel(model, values.save);
}
