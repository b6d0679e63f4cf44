/**
 * When with oracle frame features: a joint run in which every fast frame's visual token is a fixed
 * random projection of its true frame events (which colour x action is on screen, begins, ended)
 * instead of the vision path's output. It splits When grounding in two: if this run grounds, the vision
 * path is what holds When back; if it does not, the decoder's binding of question to frames is.
 * Diagnostics; not part of CI. Needs a preset without slow keyframes (fast-only) and 1 token per frame.
 *
 *   npx tsx experiments/oracle-features.ts NAME '{"preset":"fast-only","steps":400}' \
 *     --train DIR --val DIR --out DIR [--scale 0.1] [--id-embedding | --time-embedding] [--tie-lm-head]
 *
 * `--scale`: standard deviation of the fixed projection. `--id-embedding`: each fast token also carries
 * its frame-id token's embedding; `--time-embedding`: a learned row per fast-frame position instead
 * (both give the answer a way to name a frame without a positional hop). `--tie-lm-head`: the logits
 * use the token embeddings (lm_head = embed_tokens transposed), so copying a frame id's embedding scores
 * that id; the JSON's `finetune` must then list groups without `lm_head`. Where the heads read is the
 * JSON's `frameReadout` (`"visual"`: each frame's own token, no hop).
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { gatherRows, type VideoLoomModel } from '@videoloom/llm-core';
import { frameIdTextOf, resolveLayoutConfig } from '@videoloom/slowfast';
import { loadTokenizer, tinyTokenizerDir } from '@videoloom/tokenizer';
import { FfmpegVideoSource } from '@videoloom/video-io';
import { FRAME_EVENT_COUNT, frameEventTargets } from '../src/joint/examples.js';
import { JointTrainer } from '../src/joint/joint-trainer.js';
import { type PreparedVideo, prepareVideoCached, readSynthSplit } from '../src/joint/synth-videos.js';
import {
  EXPERIMENT_VAL_VIDEOS,
  JOINT_EXPERIMENT_OPTIONS,
  jointExperiment,
  runJointExperiment,
} from './joint-experiment.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ...JOINT_EXPERIMENT_OPTIONS,
    scale: { type: 'string', default: '0.1' },
    'id-embedding': { type: 'boolean', default: false },
    'time-embedding': { type: 'boolean', default: false },
    'tie-lm-head': { type: 'boolean', default: false },
  },
});
const experiment = jointExperiment(
  'oracle-features.ts NAME JSON --train DIR --val DIR --out DIR [options]',
  positionals,
  values,
  { preset: 'fast-only' },
);
const { config } = experiment;
await selectTfjsBackend({ device: 'wasm' });

/** A video is recognised by its first fast frame's pixels (what `videoTokens` is handed). */
function fingerprint(pixels: Float32Array): string {
  let hash = 2166136261;
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 16777619) >>> 0;
  return `${hash}:${pixels.length}`;
}

// The same preparations the run makes (cached on disk, so the run reuses them).
const videos = new Map<string, PreparedVideo>();
for (const [dir, limit, source] of [
  [experiment.trainDir, experiment.maxTrainVideos, 'render'],
  [experiment.valDir, EXPERIMENT_VAL_VIDEOS, new FfmpegVideoSource()],
] as const) {
  const split = await readSynthSplit(dir);
  for (const id of split.videoIds.slice(0, limit)) {
    const video = await prepareVideoCached(split, id, config.sampling, source);
    const S = config.sampling.mllmSize;
    videos.set(fingerprint(video.mllmPixels.subarray(0, 3 * S * S)), video);
  }
}

const D = config.model.decoder?.hiddenSize ?? 128;
const projection = tf.randomNormal([FRAME_EVENT_COUNT, D], 0, Number(values.scale), 'float32', 99);

const TIME_EMBEDDING = 'mlp1.frame_time_embedding.weight';
const EMBED_TOKENS = 'language_model.model.embed_tokens.weight';
const LM_HEAD = 'language_model.lm_head.weight';
/** The token of each frame id's text (one token per id below 256 in the tiny vocabulary). */
const tokenizer = loadTokenizer(tinyTokenizerDir());
const layout = resolveLayoutConfig(config.layout);
const frameIdTokenIds = Array.from(
  { length: 256 },
  (_, t) => tokenizer.encodeIds(frameIdTextOf(layout, t))[0]!,
);

function withOracleTokens(model: VideoLoomModel): VideoLoomModel {
  if (values['tie-lm-head']) {
    // lm_head is no longer read, so it cannot train: tfjs would fail on it with no word of why.
    if (!Array.isArray(config.finetune) || config.finetune.includes('lm_head')) {
      throw new Error('--tie-lm-head: the JSON\'s "finetune" must list parameter groups without "lm_head"');
    }
    const get = model.params.get.bind(model.params);
    (model.params as { get: (name: string) => tf.Tensor }).get = (name: string) =>
      name === LM_HEAD ? tf.transpose(get(EMBED_TOKENS)) : get(name);
  }
  if (values['time-embedding']) {
    model.params.addSpecs([
      { name: TIME_EMBEDDING, shape: [256, D], transposed: false, group: 'projector', init: 'normal' },
    ]);
    model.params.setTensor(TIME_EMBEDDING, tf.randomNormal([256, D], 0, 0.02, 'float32', 7));
  }
  model.videoTokens = (fast) => {
    if (!fast) throw new Error('oracle-features needs fast frames');
    const nf = fast.shape[0] as number;
    const first = fast.slice([0, 0, 0, 0], [1, -1, -1, -1]);
    const video = videos.get(fingerprint(first.dataSync() as Float32Array));
    first.dispose();
    if (!video?.timeline) throw new Error('oracle-features: a video it did not prepare');
    const events = tf.tensor2d(frameEventTargets(video.scenario, video.timeline), [nf, FRAME_EVENT_COUNT]);
    const tokens = tf.matMul(events, projection);
    events.dispose();
    if (values['time-embedding']) {
      // `--time-embedding`: a learned row per fast-frame position, added to its token.
      return tf.add(tokens, model.params.get(TIME_EMBEDDING).slice([0, 0], [nf, D]));
    }
    if (!values['id-embedding']) return tokens;
    // `--id-embedding`: each fast token also carries the embedding of its frame-id token.
    const rows = tf.tensor1d(frameIdTokenIds.slice(0, nf), 'int32');
    return tf.add(tokens, gatherRows(model.params.get(EMBED_TOKENS), rows));
  };
  return model;
}
const createModel = JointTrainer.createModel;
JointTrainer.createModel = (c, t) => withOracleTokens(createModel(c, t));

await runJointExperiment(experiment);
