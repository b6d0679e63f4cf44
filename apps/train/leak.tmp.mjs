import { selectTfjsBackend, tf } from '@videoloom/backend';
import { loadTinyTokenizer } from '@videoloom/tokenizer';
import { TfjsTinySam2 } from '@videoloom/sam2-bridge';
import { JointTrainer, readSynthSplit, prepareVideoCached, resolveTrainingConfig, FrameEventHead } from '/work/main/apps/train/dist/index.js';
await selectTfjsBackend({ device: 'wasm' });
const config = resolveTrainingConfig('slowfast');
const tok = loadTinyTokenizer();
const split = await readSynthSplit('/work/data/synth-train');
const videos = [];
for (const id of split.videoIds.slice(0, 8)) videos.push(await prepareVideoCached(split, id, config.sampling, 'render'));
const model = JointTrainer.createModel(config, tok);
const { TinySam2MaskLoss } = await import('/work/main/apps/train/dist/index.js').then(m => m).catch(() => ({}));
const sam = TfjsTinySam2.create({ config: 'tiny-128', seed: 1 });
const mask = { trainableVariables: sam.trainableVariables, dispose() {}, maskLoss(frames, prompt, masks) {
  const k = frames.length; const images = sam.preprocess(frames.map(f => ({ width: f.width, height: f.height, data: f.rgb })));
  const t = new Float32Array(k * 128 * 128); masks.forEach((m, i) => t.set(m, i * 128 * 128));
  const out = sam.forward({ images, promptEmbed: tf.tile(prompt.reshape([1, 1, -1]), [k, 1, 1]) });
  return sam.loss(out, tf.tensor3d(t, [k, 128, 128]), { objectScoreWeight: 0.5 }); } };
const trainer = new JointTrainer(config, tok, model, mask, new FrameEventHead(128, 1), new FrameEventHead(128, 2, 'span_head', 3));
for (let i = 0; i < 6; i++) { trainer.step(trainer.batchAt(i, videos)); console.log('step', i, tf.memory().numTensors, (tf.memory().numBytes/1e6).toFixed(1), 'MB'); }
