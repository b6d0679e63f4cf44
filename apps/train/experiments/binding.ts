/**
 * The binding probe: can the decoder learn to mark the frames a When question asks about, when the
 * frames themselves are perfect? Each fast frame's visual token is a fixed random projection of its
 * true events (as in `oracle-features.ts`); the only loss is the question-aware span head (inside /
 * first / last, BCE) read at the visual tokens or at the frame-id tokens; no text, no vision path.
 * `--target events` trains the frame-event head instead (no question involved): read at the frame-id
 * tokens, it checks whether the decoder learns to carry a frame's content two positions on.
 * Prints the span BCE and the span head's R1@0.5 on 60 held-out questions every 25 steps. Diagnostics;
 * not part of CI; fast-only preset, 32 frames x 1 token.
 *
 *   npx tsx experiments/binding.ts --train DIR [--steps 300] [--lr 2e-3] [--batch 8]
 *     [--init-range 0.02] [--read-at visual|frame-id] [--videos 300] [--scale 0.1]
 *     [--rope-theta N] [--target span|events] [--seed 5]
 *
 * `--init-range`: the decoder's initializerRange (standard deviation of fresh weights).
 * `--batch`: sequences per step (one random When question of a random video each). `--seed`: the
 * draw of questions and batches (the weights keep the preset's seed).
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { SeededRandom } from '@videoloom/data';
import { gatherRows, type ParameterGroup } from '@videoloom/llm-core';
import { charadesIoU } from '@videoloom/metrics';
import { loadTokenizer, tinyTokenizerDir } from '@videoloom/tokenizer';
import {
  FRAME_EVENT_COUNT,
  type FrameReadout,
  frameEventTargets,
  frameReadPositionsOf,
  type JointExample,
} from '../src/joint/examples.js';
import { FrameEventHead, perFrameBce } from '../src/joint/joint-loss.js';
import { JointTrainer } from '../src/joint/joint-trainer.js';
import { type PreparedVideo, prepareVideoCached, readSynthSplit } from '../src/joint/synth-videos.js';
import { TRAINING_PRESETS } from '../src/joint/training-config.js';
import { longestMarkedRun } from '../src/joint/validation.js';

const { values } = parseArgs({
  options: {
    train: { type: 'string' },
    steps: { type: 'string', default: '300' },
    lr: { type: 'string', default: '2e-3' },
    batch: { type: 'string', default: '8' },
    'init-range': { type: 'string', default: '0.02' },
    'read-at': { type: 'string', default: 'visual' },
    videos: { type: 'string', default: '300' },
    scale: { type: 'string', default: '0.1' },
    'rope-theta': { type: 'string' },
    target: { type: 'string', default: 'span' },
    seed: { type: 'string', default: '5' },
  },
});
if (!values.train || !['visual', 'frame-id'].includes(values['read-at'])) {
  process.stderr.write('usage: binding.ts --train DIR [--read-at visual|frame-id] [options]\n');
  process.exit(2);
}
await selectTfjsBackend({ device: 'wasm' });
const base = TRAINING_PRESETS['fast-only'];
const config = {
  ...base,
  model: {
    ...base.model,
    decoder: {
      ...base.model.decoder,
      initializerRange: Number(values['init-range']),
      ...(values['rope-theta'] ? { ropeTheta: Number(values['rope-theta']) } : {}),
    },
  },
};
const tokenizer = loadTokenizer(tinyTokenizerDir());
const trainer = new JointTrainer(config, tokenizer, JointTrainer.createModel(config, tokenizer), null, null);
const { model } = trainer;
const D = model.config.decoder.hiddenSize;
const split = await readSynthSplit(values.train);
const videos: PreparedVideo[] = [];
for (const id of split.videoIds.slice(0, Number(values.videos))) {
  videos.push(await prepareVideoCached(split, id, config.sampling, 'render'));
}
const projection = tf.randomNormal([FRAME_EVENT_COUNT, D], 0, Number(values.scale), 'float32', 99);
/** `span`: the question-aware span; `events`: the frame's own events (no question needed: a routing check). */
const target = values.target === 'events' ? 'events' : 'span';
const head =
  target === 'span'
    ? new FrameEventHead(D, 11, { name: 'span_head', outputs: 3 })
    : new FrameEventHead(D, 11, { name: 'frame_event_head', priorLogit: -4 });
const variables = [
  ...model.setTrainable(new Set(model.params.specs.map((s) => s.group)) as Set<ParameterGroup>),
  head.weight,
  head.bias,
];
const optimizer = tf.train.adam(Number(values.lr));
const random = new SeededRandom(Number(values.seed));

interface Probe {
  readonly video: PreparedVideo;
  readonly example: JointExample;
  /** Where the head reads each fast frame. */
  readonly readPositions: number[];
}

function probeOf(video: PreparedVideo): Probe {
  const item = random.pick(video.items.filter((i) => i.task === 'when'));
  const example = trainer.examples.build(video, 'when', item, () => []);
  const readPositions = frameReadPositionsOf(example.prompt, values['read-at'] as FrameReadout);
  return { video, example, readPositions };
}

/** Head logits `[Nf, outputs]` of a probe, the frames' tokens being their oracle projections. */
function headLogits(probe: Probe, training: boolean): tf.Tensor {
  const timeline = probe.video.timeline!;
  const events = tf.tensor2d(frameEventTargets(probe.video.scenario, timeline), [
    timeline.length,
    FRAME_EVENT_COUNT,
  ]);
  const out = model.forward({
    sequence: probe.example.prompt,
    visualTokens: tf.matMul(events, projection),
    training,
  });
  const rows = gatherRows(out.hidden.reshape([-1, D]), tf.tensor1d(probe.readPositions, 'int32'));
  return head.apply(rows);
}

function heldOutIoU(probe: Probe): number {
  const inside = tf.tidy(() => headLogits(probe, false).slice([0, 0], [-1, 1]).reshape([-1]));
  const marked = longestMarkedRun(Array.from(inside.dataSync()));
  inside.dispose();
  const targets = probe.example.spanTargets!;
  const truth: number[] = [];
  for (let t = 0; t < targets.length / 3; t++) if (targets[t * 3]) truth.push(t);
  // Frame ids as [first, last + 1): the IoU of the frames covered.
  return charadesIoU([truth[0]!, truth[truth.length - 1]! + 1], [marked.startFrameId, marked.endFrameId + 1]);
}

const heldOut = videos.slice(0, 30).flatMap((v) => [probeOf(v), probeOf(v)]);
const trainVideos = videos.slice(30);
const batchSize = Number(values.batch);
const started = Date.now();
let bceSum = 0;
let bceCount = 0;
for (let step = 1; step <= Number(values.steps); step++) {
  const batch = Array.from({ length: batchSize }, () => probeOf(random.pick(trainVideos)));
  const { value, grads } = tf.variableGrads(() => {
    const losses = batch.map((probe) => {
      const timeline = probe.video.timeline!;
      const targets =
        target === 'span'
          ? tf.tensor2d(probe.example.spanTargets!, [timeline.length, 3])
          : tf.tensor2d(frameEventTargets(probe.video.scenario, timeline), [
              timeline.length,
              FRAME_EVENT_COUNT,
            ]);
      const bce = perFrameBce(targets, headLogits(probe, true));
      bceSum += bce.dataSync()[0]!;
      bceCount++;
      return bce;
    });
    return tf.div(tf.addN(losses), batchSize) as tf.Scalar;
  }, variables);
  optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
  value.dispose();
  tf.dispose(grads);
  if (step % 25 === 0) {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    let heldOutR1 = '';
    if (target === 'span') {
      const ious = heldOut.map(heldOutIoU);
      heldOutR1 = ` held-out span head R1@0.5 ${(ious.filter((x) => x >= 0.5).length / ious.length).toFixed(3)}`;
    }
    process.stdout.write(
      `step ${step} ${target} BCE ${(bceSum / bceCount).toFixed(3)}${heldOutR1} ${seconds}s\n`,
    );
    bceSum = 0;
    bceCount = 0;
  }
}
