import { selectTfjsBackend, tf } from '@videoloom/backend';
import { loadTinyTokenizer } from '@videoloom/tokenizer';
import { JointTrainer, readSynthSplit, prepareVideoCached, resolveTrainingConfig, FrameEventHead } from '/work/main/apps/train/dist/index.js';
await selectTfjsBackend({ device: 'wasm' });
const config = resolveTrainingConfig('slowfast');
const tok = loadTinyTokenizer();
const split = await readSynthSplit('/work/data/synth-val');
const videos = [];
for (const id of split.videoIds.slice(0, 8)) videos.push(await prepareVideoCached(split, id, config.sampling));
const model = JointTrainer.createModel(config, tok);
const trainer = new JointTrainer(config, tok, model, null, new FrameEventHead(model.config.decoder.hiddenSize, 1));
trainer.step(trainer.batchAt(0, videos));
trainer.step(trainer.batchAt(1, videos));
const info = await tf.profile(() => { trainer.step(trainer.batchAt(2, videos)); });
const by = new Map();
for (const k of info.kernels) { const key = k.name + ' ' + JSON.stringify(k.inputShapes?.map(s=>s?.length)); const e = by.get(k.name) ?? {ms:0,n:0}; e.ms += k.kernelTimeMs; e.n++; by.set(k.name, e); }
console.log([...by.entries()].sort((a,b)=>b[1].ms-a[1].ms).slice(0,15).map(([n,e])=>`${n} ${e.ms.toFixed(0)}ms x${e.n}`).join('\n'));
