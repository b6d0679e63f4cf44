import { parseArgs } from 'node:util';
import { selectTfjsBackend } from '@videoloom/backend';
import type { ParameterGroup } from '@videoloom/llm-core';
import { exportCheckpoint } from './checkpoint.js';
import { TrainingDataError } from './errors.js';
import { type MaskModelIo, runJointTraining } from './train-run.js';
import { type JointTrainingConfig, resolveTrainingConfig, TRAINING_PRESETS } from './training-config.js';

export const TRAIN_CLI_USAGE = `Usage: videoloom-train --train DIR --val DIR --out DIR [options]

Joint VTG + refVOS training of a tiny VideoLoom on LoomBench-Synth splits (see videoloom-data synth).
Resumes from OUT/checkpoint when it exists (same config required).

Options:
  --config NAME         ${Object.keys(TRAINING_PRESETS).join(' | ')} (default slowfast)
  --tokenizer DIR       folder with tokenizer.json (default: the tiny tokenizer shipped with @videoloom/tokenizer)
  --steps N             optimisation steps (default: the preset's)
  --seed N
  --validate-every N    steps between validations
  --checkpoint-every N  steps between checkpoints
  --max-train-videos N  use the first N train videos
  --max-val-videos N
  --no-mask             train without the SAM2 mask loss
  --no-resume           start over even if OUT/checkpoint exists
  --init DIR            start a fresh run from a checkpoint folder's weights (exported, or another
                        run's checkpoint/); tensors it lacks keep their initialisation
  --finetune WHAT       full | lora | parameter groups, comma-separated (e.g. decoder,embed_tokens,
                        lm_head,seg_head keeps the ViT and projector from --init, and computes each
                        video's visual tokens once); default: the preset's (full)
  --prepare-only        decode and cache the splits' frames, then exit
  --export DIR          at the end, copy the checkpoint's inference files (no optimiser state) to DIR
  --device D            auto | wasm | cpu | tfjs-node | tfjs-node-gpu
`;

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new TrainingDataError(`--${name}`, `must be a non-negative integer, got "${value}"`);
  return n;
}

/** `--finetune`: 'full', 'lora' or a comma-separated list of parameter groups (checked against the model). */
export function finetuneOption(value: string): JointTrainingConfig['finetune'] {
  if (value === 'full' || value === 'lora') return value;
  const groups = value
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
  if (groups.length === 0)
    throw new TrainingDataError(
      '--finetune',
      `expected full, lora or a list of parameter groups, got "${value}"`,
    );
  return groups as ParameterGroup[];
}

export async function runTrainCli(
  argv: readonly string[],
  defaults: { tokenizerDir: () => string; maskModel: () => MaskModelIo | null },
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      train: { type: 'string' },
      val: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string', default: 'slowfast' },
      tokenizer: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      'validate-every': { type: 'string' },
      'checkpoint-every': { type: 'string' },
      'max-train-videos': { type: 'string' },
      'max-val-videos': { type: 'string' },
      'no-mask': { type: 'boolean', default: false },
      'no-resume': { type: 'boolean', default: false },
      init: { type: 'string' },
      finetune: { type: 'string' },
      'prepare-only': { type: 'boolean', default: false },
      export: { type: 'string' },
      device: { type: 'string', default: 'auto' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(TRAIN_CLI_USAGE);
    return 0;
  }
  for (const required of ['train', 'val', 'out'] as const) {
    if (!values[required]) throw new TrainingDataError(`--${required}`, `is required\n\n${TRAIN_CLI_USAGE}`);
  }
  let config = resolveTrainingConfig(values.config as string, {
    steps: intOption('steps', values.steps),
    seed: intOption('seed', values.seed),
    validateEvery: intOption('validate-every', values['validate-every']),
    checkpointEvery: intOption('checkpoint-every', values['checkpoint-every']),
  });
  if (values.finetune !== undefined) config = { ...config, finetune: finetuneOption(values.finetune) };
  const backend = await selectTfjsBackend({ device: values.device as string });
  process.stderr.write(`tfjs backend: ${backend.name}\n`);
  const summary = await runJointTraining({
    config: values['no-mask'] ? { ...config, loss: { ...config.loss, mask: 0 } } : config,
    trainDir: values.train as string,
    valDir: values.val as string,
    outDir: values.out as string,
    tokenizerDir: values.tokenizer ?? defaults.tokenizerDir(),
    maxTrainVideos: intOption('max-train-videos', values['max-train-videos']),
    maxValVideos: intOption('max-val-videos', values['max-val-videos']),
    resume: !values['no-resume'],
    ...(values.init ? { initFrom: values.init } : {}),
    maskModel: values['no-mask'] ? null : defaults.maskModel(),
    prepareOnly: values['prepare-only'],
  });
  if (summary && values.export) await exportCheckpoint(summary.checkpointDir, values.export);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
