/**
 * A joint training run on a preset with config overrides the CLI does not expose (pooling, frame
 * counts, loss weights, task mix). Diagnostics for the When work; not part of CI.
 *
 *   npx tsx experiments/joint-overrides.ts NAME '{"preset":"slowfast","steps":300,"loss":{"frameEvents":0.2}}' \
 *     --train DIR --val DIR --out DIR [--mask] [--init CHECKPOINT_DIR]
 *
 * Override keys: preset, steps, validateEvery, model (fastPool, fastFrameMotion), sampling, layout,
 * taskMix, loss, optimizer, maxTrain (default 800). Validation uses 40 val videos.
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend } from '@videoloom/backend';
import { tinyTokenizerDir } from '@videoloom/tokenizer';
import { defaultMaskModelIo } from '../src/joint/defaults.js';
import { runJointTraining } from '../src/joint/train-run.js';
import { type JointTrainingConfig, resolveTrainingConfig } from '../src/joint/training-config.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    train: { type: 'string' },
    val: { type: 'string' },
    out: { type: 'string' },
    mask: { type: 'boolean', default: false },
    init: { type: 'string' },
  },
});
const [name, json = '{}'] = positionals;
if (!name || !values.train || !values.val || !values.out) {
  process.stderr.write('usage: joint-overrides.ts NAME JSON --train DIR --val DIR --out DIR [--mask]\n');
  process.exit(2);
}
const o = JSON.parse(json);
await selectTfjsBackend({ device: 'wasm' });
const base = resolveTrainingConfig(o.preset ?? 'slowfast', {
  steps: o.steps ?? 300,
  validateEvery: o.validateEvery ?? 50,
  checkpointEvery: 100,
});
const config: JointTrainingConfig = {
  ...base,
  name,
  model: { ...base.model, ...o.model },
  sampling: { ...base.sampling, ...o.sampling },
  layout: { ...base.layout, ...o.layout },
  taskMix: o.taskMix ?? base.taskMix,
  loss: { ...base.loss, ...o.loss },
  optimizer: { ...base.optimizer, ...o.optimizer },
};
const summary = await runJointTraining({
  config,
  trainDir: values.train,
  valDir: values.val,
  maxTrainVideos: o.maxTrain ?? 800,
  maxValVideos: 40,
  outDir: values.out,
  tokenizerDir: tinyTokenizerDir(),
  maskModel: values.mask ? defaultMaskModelIo() : null,
  ...(values.init ? { initFrom: values.init } : {}),
});
process.stdout.write(`${JSON.stringify(summary)}\n`);
