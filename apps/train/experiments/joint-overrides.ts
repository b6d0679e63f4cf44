/**
 * A joint training run on a preset with config overrides the CLI does not expose (pooling, frame
 * counts, loss weights, task mix). Diagnostics for the When work; not part of CI.
 *
 *   npx tsx experiments/joint-overrides.ts NAME '{"preset":"slowfast","steps":300,"loss":{"frameEvents":0.2}}' \
 *     --train DIR --val DIR --out DIR [--mask] [--init CHECKPOINT_DIR]
 *
 * Override keys: see `ConfigOverrides`. Validation uses 40 val videos.
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend } from '@videoloom/backend';
import { tinyTokenizerDir } from '@videoloom/tokenizer';
import { defaultMaskModelIo } from '../src/joint/defaults.js';
import { runJointTraining } from '../src/joint/train-run.js';
import { type ConfigOverrides, overriddenConfig } from './overrides.js';

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
const o = JSON.parse(json) as ConfigOverrides;
await selectTfjsBackend({ device: 'wasm' });
const config = overriddenConfig(name, o);
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
