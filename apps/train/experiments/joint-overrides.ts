/**
 * A joint training run on a preset with config overrides the CLI does not expose (pooling, frame
 * counts, loss weights, task mix). Diagnostics for the When work; not part of CI.
 *
 *   npx tsx experiments/joint-overrides.ts NAME '{"preset":"slowfast","steps":300,"loss":{"frameEvents":0.2}}' \
 *     --train DIR --val DIR --out DIR [--mask] [--init CHECKPOINT_DIR]
 *
 * Override keys: see `ConfigOverrides` (joint-experiment.ts). Validation uses 40 val videos.
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend } from '@videoloom/backend';
import { defaultMaskModelIo } from '../src/joint/defaults.js';
import { JOINT_EXPERIMENT_OPTIONS, jointExperiment, runJointExperiment } from './joint-experiment.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ...JOINT_EXPERIMENT_OPTIONS,
    mask: { type: 'boolean', default: false },
    init: { type: 'string' },
  },
});
const experiment = jointExperiment(
  'joint-overrides.ts NAME JSON --train DIR --val DIR --out DIR [--mask] [--init DIR]',
  positionals,
  values,
);
await selectTfjsBackend({ device: 'wasm' });
await runJointExperiment(experiment, {
  ...(values.mask ? { maskModel: defaultMaskModelIo() } : {}),
  ...(values.init ? { initFrom: values.init } : {}),
});
