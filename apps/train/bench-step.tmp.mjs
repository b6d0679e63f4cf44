import { selectTfjsBackend, tf } from '@videoloom/backend';
import { loadTinyTokenizer } from '@videoloom/tokenizer';
import { JointTrainer, readSynthSplit, prepareVideoCached, resolveTrainingConfig, FrameEventHead } from '/work/main/apps/train/dist/index.js';
await selectTfjsBackend({ device: 'wasm' });
const config = resolveTrainingConfig(process.argv[2] ?? 'slowfast');
const tok = loadTinyTokenizer();
const split = await readSynthSplit('/work/data/synth-val');
const videos = [];
for (const id of split.videoIds.slice(0, 8)) videos.push(await prepareVideoCached(split, id, config.sampling));
const model = JointTrainer.createModel(config, tok);
const trainer = new JointTrainer(config, tok, model, null, new FrameEventHead(model.config.decoder.hiddenSize, 1));
const b = trainer.batchAt(0, videos);
console.log('seq lengths', b.flatMap(v => v.examples.map(e => e.prompt.ids.length)));
for (let i = 0; i < 4; i++) {
  const t = performance.now();
  const r = trainer.step(trainer.batchAt(i, videos));
  console.log('step', i, ((performance.now() - t) / 1000).toFixed(2), 's', r.total.toFixed(3));
}
