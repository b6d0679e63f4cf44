/**
 * Probe of the tiny vision path alone (ViT -> projector -> fast pooling -> a small head over each frame
 * token and its two neighbours): can it learn per-frame facts of LoomBench-Synth? Diagnostics for the
 * When work; not part of CI. Prints validation accuracies (and each action's recall) every 100 steps.
 *
 *   npx tsx experiments/vision-probe.ts --train DIR --val DIR [--pool avg|max] [--pool-size 4] [--motion]
 *     [--steps 300] [--lr 0.002] [--actions main|per-colour] [--trivial | --colour-only]
 *     [--vision-hidden N] [--vision-layers N] [--train-videos 400] [--videos-per-step 2] [--window N]
 *     [--save DIR] [--init-range R] [--patch-mlp] [--dense W] [--adjacent-motion]
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
 * patch's pixels, max over the patches): is the ViT slower than it? `--dense W` adds, with weight W, a
 * softmax over "which action does the character of each colour do here" at every projected cell before
 * pooling (labels from the characters' poses), so every cell gets a gradient, not only the max-pool's
 * winner. `--adjacent-motion`: the motion input is each fast frame minus the video frame just before it
 * (rendered) instead of minus the previous fast frame.
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { ACTIONS, CHARACTER_COLORS, CHARACTER_SIZES, poseAt, renderFrame, shotAt } from '@videoloom/data';
import { type ParameterGroup, resolveModelConfig, saveModel, VideoLoomModel } from '@videoloom/llm-core';
import { allocateImageTensor, writeNormalisedFrame } from '@videoloom/slowfast';
import { loadTokenizer, tinyTokenizerDir } from '@videoloom/tokenizer';
import { resizeRgbLikePil } from '@videoloom/video-io';
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
    dense: { type: 'string', default: '0' },
    'adjacent-motion': { type: 'boolean', default: false },
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
  fastFrameMotion: values.motion || values['adjacent-motion'],
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
  /** `--dense`: per fast frame, per projected cell (row-major), per colour: the action there, A = none. */
  readonly cellActions: Int32Array; // [nf, cells, C]
  /** `--adjacent-motion`: each fast frame minus the video frame just before it (same shot), `[nf, 3, S, S]`. */
  readonly adjacentMotion: Float32Array | null;
}

/**
 * Short-range motion: each fast frame minus the frame rendered one video frame earlier (zero at a
 * shot's first frame), normalised as the MLLM pixels are. A move then shifts an edge by a few pixels,
 * inside one patch, where the previous fast frame is 4-8 video frames back.
 */
function adjacentMotionOf(video: PreparedVideo): Float32Array {
  const frames = video.timeline!.frames;
  const previous = allocateImageTensor(frames.length, S, S);
  frames.forEach((frame, t) => {
    const sameShot =
      frame.frameIndex > 0 &&
      shotAt(video.scenario, frame.frameIndex - 1) === shotAt(video.scenario, frame.frameIndex);
    const f = renderFrame(video.scenario, sameShot ? frame.frameIndex - 1 : frame.frameIndex);
    writeNormalisedFrame(
      previous,
      t,
      resizeRgbLikePil({ width: f.width, height: f.height, data: f.rgb }, { width: S, height: S }),
    );
  });
  const out = new Float32Array(frames.length * 3 * S * S);
  for (let i = 0; i < out.length; i++) out[i] = video.mllmPixels[i]! - previous.data[i]!;
  return out;
}

/** Side of the projected token grid of one frame (after pixel shuffle): cells of S / side pixels. */
const CELL_SIDE = S / config.vision.patchSize / 2;
const CELLS = CELL_SIDE * CELL_SIDE;

/**
 * Which character (by colour) covers which projected cell of each fast frame, and the action it does:
 * a cell counts when the character's bounding box covers a quarter of the smaller of the two.
 */
function cellActionTargets(video: PreparedVideo): Int32Array {
  const { scenario } = video;
  const frames = video.timeline!.frames;
  const out = new Int32Array(frames.length * CELLS * C).fill(A);
  frames.forEach((frame, t) => {
    const shot = shotAt(scenario, frame.frameIndex);
    const characters = [
      { appearance: scenario.main, segments: shot.mainSegments },
      ...shot.distractorSegments.map((segments, d) => ({ appearance: scenario.distractors[d]!, segments })),
    ];
    for (const { appearance, segments } of characters) {
      const segment = segments.find((s) => frame.frameIndex >= s.startFrame && frame.frameIndex < s.endFrame);
      if (!segment) continue;
      const pose = poseAt(segment, frame.frameIndex);
      if (!pose.visible) continue;
      const r = CHARACTER_SIZES[appearance.size] * pose.scale;
      const colour = COLOURS.indexOf(appearance.color);
      const cell = 1 / CELL_SIDE;
      for (let a = 0; a < CELL_SIDE; a++) {
        for (let b = 0; b < CELL_SIDE; b++) {
          const ox = Math.min(pose.x + r, (b + 1) * cell) - Math.max(pose.x - r, b * cell);
          const oy = Math.min(pose.y + r, (a + 1) * cell) - Math.max(pose.y - r, a * cell);
          if (ox <= 0 || oy <= 0) continue;
          if (ox * oy < 0.25 * Math.min(4 * r * r, cell * cell)) continue;
          out[(t * CELLS + a * CELL_SIDE + b) * C + colour] = ACTIONS.indexOf(segment.action);
        }
      }
    }
  });
  return out;
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
    out.push({
      video,
      frames: nf,
      offset: 0,
      colours,
      actions,
      actionWeights,
      cellActions: Number(values.dense) > 0 ? cellActionTargets(video) : new Int32Array(0),
      adjacentMotion: values['adjacent-motion'] ? adjacentMotionOf(video) : null,
    });
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
const denseWeight = Number(values.dense);
const cellWidth = config.decoder.hiddenSize;
const wd = tf.variable(tf.randomNormal([cellWidth, C * (A + 1)], 0, 1 / Math.sqrt(cellWidth), 'float32', 14));
const bd = tf.variable(tf.zeros([C * (A + 1)]));
const groups = new Set<ParameterGroup>(['vision', 'projector']);
const variables = [
  ...(patchMlp ? [patchWeights, patchBias] : model.setTrainable(groups)),
  w1,
  b1,
  w2,
  b2,
  ...(denseWeight > 0 ? [wd, bd] : []),
];

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

/**
 * The fast frames' projected cells before pooling `[nf, cells, D]` and the pooled frame features
 * `[nf, D * tokensPerFrame]`, as `videoTokens` builds them (motion: each frame minus the previous one,
 * or `adjacent` when given).
 */
function visionOf(
  pixels: tf.Tensor4D,
  adjacent: tf.Tensor4D | null,
): { cells: tf.Tensor3D; pooled: tf.Tensor2D } {
  const nf = pixels.shape[0];
  const motion =
    adjacent ??
    (config.fastFrameMotion
      ? tf.sub(pixels, tf.concat([pixels.slice(0, 1), pixels.slice(0, nf - 1)], 0))
      : null);
  const cells = model.encodeFrames(pixels, motion).tokens as tf.Tensor3D;
  return { cells, pooled: model.poolFastFrames(cells).reshape([nf, D]) };
}

/** Logits `[nf, outputs]` of one video's fast frames. */
function logitsOf(item: Labelled): tf.Tensor2D {
  return headsOf(item).logits;
}

/** The frame logits and, with `--dense`, the cells' logits `[nf * cells * C, A + 1]`. */
function headsOf(item: Labelled): { logits: tf.Tensor2D; cellLogits: tf.Tensor2D | null } {
  const nf = item.frames;
  const pixels = tf.tensor4d(
    item.video.mllmPixels.subarray(item.offset * 3 * S * S, (item.offset + nf) * 3 * S * S),
    [nf, 3, S, S],
  );
  const adjacent = item.adjacentMotion
    ? tf.tensor4d(item.adjacentMotion.subarray(item.offset * 3 * S * S, (item.offset + nf) * 3 * S * S), [
        nf,
        3,
        S,
        S,
      ])
    : null;
  const vision = patchMlp ? null : visionOf(pixels, adjacent);
  const tokens = vision ? vision.pooled : patchMlpFeatures(pixels);
  const cellLogits =
    vision && denseWeight > 0
      ? (tf
          .add(tf.matMul(vision.cells.reshape([nf * CELLS, cellWidth]), wd), bd)
          .reshape([nf * CELLS * C, A + 1]) as tf.Tensor2D)
      : null;
  const previous = tf.concat([tokens.slice([0, 0], [1, D]), tokens.slice([0, 0], [nf - 1, D])]);
  const next = tf.concat([tokens.slice([1, 0], [nf - 1, D]), tokens.slice([nf - 1, 0], [1, D])]);
  const hidden = tf.relu(tf.add(tf.matMul(tf.concat([previous, tokens, next], 1), w1), b1));
  return { logits: tf.add(tf.matMul(hidden, w2), b2) as tf.Tensor2D, cellLogits };
}

function lossOf(item: Labelled): tf.Scalar {
  const { logits, cellLogits } = headsOf(item);
  const frameLoss = frameLossOf(item, logits);
  if (!cellLogits) return frameLoss;
  // Every (cell, colour) slot: its character's action, or none; the mean over slots.
  const dense = tf.losses.softmaxCrossEntropy(
    tf.oneHot(tf.tensor1d(item.cellActions, 'int32'), A + 1),
    cellLogits,
  );
  return tf.add(frameLoss, tf.mul(dense, denseWeight)) as tf.Scalar;
}

function frameLossOf(item: Labelled, logits: tf.Tensor2D): tf.Scalar {
  const nf = item.frames;
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
    // Recall per true action ("none" last): which actions the path has learned.
    const perActionHits = new Array<number>(A + 1).fill(0);
    const perActionCount = new Array<number>(A + 1).fill(0);
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
        perActionHits[item.actions[i]!]! += Number(actions[i] === item.actions[i]);
        perActionCount[item.actions[i]!]!++;
      }
    }
    const recall = [...ACTIONS, 'none']
      .map((name, a) =>
        perActionCount[a]
          ? `${name} ${(perActionHits[a]! / perActionCount[a]!).toFixed(2)}/${perActionCount[a]}`
          : '',
      )
      .filter(Boolean)
      .join(', ');
    return `colour acc ${(colourHits / colourCount).toFixed(3)} action acc ${(actionHits / actionCount).toFixed(3)} (recall: ${recall})`;
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
      cellActions: item.cellActions.subarray(offset * CELLS * C, (offset + length) * CELLS * C),
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
