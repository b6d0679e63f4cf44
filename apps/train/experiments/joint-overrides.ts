/**
 * A joint training run on a preset with config overrides the CLI does not expose (pooling, frame
 * counts, loss weights, task mix). Diagnostics for the When work; not part of CI.
 *
 *   npx tsx experiments/joint-overrides.ts NAME '{"preset":"slowfast","steps":300,"loss":{"frameEvents":0.2}}' \
 *     --train DIR --val DIR --out DIR [--mask] [--freeze-sam2] [--init CHECKPOINT_DIR]
 *
 * `--freeze-sam2` (with `--mask`): the mask loss still trains [SEG] and the seg head, but the tiny
 * SAM2's weights stay as created or taken from `--init` (e.g. a bound `sam2-probe.ts --save`).
 *
 * Override keys: see `ConfigOverrides` (joint-experiment.ts). Validation uses 40 val videos.
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend } from '@videoloom/backend';
import { TfjsTinySam2 } from '@videoloom/sam2-bridge';
import { defaultMaskModelIo, TinySam2MaskLoss } from '../src/joint/defaults.js';
import { JOINT_EXPERIMENT_OPTIONS, jointExperiment, runJointExperiment } from './joint-experiment.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ...JOINT_EXPERIMENT_OPTIONS,
    mask: { type: 'boolean', default: false },
    'freeze-sam2': { type: 'boolean', default: false },
    init: { type: 'string' },
  },
});
const experiment = jointExperiment(
  'joint-overrides.ts NAME JSON --train DIR --val DIR --out DIR [--mask] [--freeze-sam2] [--init DIR]',
  positionals,
  values,
);
await selectTfjsBackend({ device: 'wasm' });

/** The tiny SAM2 as a mask loss whose weights the optimiser does not see. */
class FrozenMaskLoss extends TinySam2MaskLoss {
  override get trainableVariables(): readonly never[] {
    return [];
  }
}
const io = defaultMaskModelIo();
const maskModel = values['freeze-sam2']
  ? {
      ...io,
      create: (seed: number) => new FrozenMaskLoss((io.create(seed) as TinySam2MaskLoss).sam2),
      load: async (dir: string) => new FrozenMaskLoss(await TfjsTinySam2.load(dir)),
    }
  : io;
await runJointExperiment(experiment, {
  ...(values.mask ? { maskModel } : {}),
  ...(values.init ? { initFrom: values.init } : {}),
});
