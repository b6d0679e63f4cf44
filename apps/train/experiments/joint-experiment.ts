import { tinyTokenizerDir } from '@videoloom/tokenizer';
import { type JointRunOptions, runJointTraining } from '../src/joint/train-run.js';
import { type JointTrainingConfig, resolveTrainingConfig } from '../src/joint/training-config.js';

/**
 * Overrides of a preset that the CLI does not expose, as the experiments take them (JSON): preset,
 * steps, validateEvery, model (fastPool, fastFrameMotion), sampling, layout, taskMix, loss, frameReadout,
 * optimizer, finetune, videosPerStep, examplesPerVideo.
 */
export interface ConfigOverrides {
  readonly preset?: string;
  readonly steps?: number;
  readonly validateEvery?: number;
  readonly model?: Partial<JointTrainingConfig['model']>;
  readonly sampling?: Partial<JointTrainingConfig['sampling']>;
  readonly layout?: Partial<JointTrainingConfig['layout']>;
  readonly taskMix?: JointTrainingConfig['taskMix'];
  readonly loss?: Partial<JointTrainingConfig['loss']>;
  readonly frameReadout?: JointTrainingConfig['frameReadout'];
  readonly optimizer?: Partial<JointTrainingConfig['optimizer']>;
  readonly finetune?: JointTrainingConfig['finetune'];
  readonly videosPerStep?: number;
  readonly examplesPerVideo?: number;
  /** Train videos used (the first N). @defaultValue 800 */
  readonly maxTrain?: number;
}

/** Val videos every experiment validates on. */
export const EXPERIMENT_VAL_VIDEOS = 40;

/** The preset named by `o.preset` (default slowfast) with `o` applied, named `name`. */
export function overriddenConfig(name: string, o: ConfigOverrides): JointTrainingConfig {
  const base = resolveTrainingConfig(o.preset ?? 'slowfast', {
    steps: o.steps ?? 300,
    validateEvery: o.validateEvery ?? 50,
    checkpointEvery: 100,
  });
  return {
    ...base,
    name,
    model: { ...base.model, ...o.model },
    sampling: { ...base.sampling, ...o.sampling },
    layout: { ...base.layout, ...o.layout },
    taskMix: o.taskMix ?? base.taskMix,
    loss: { ...base.loss, ...o.loss },
    frameReadout: o.frameReadout ?? base.frameReadout,
    optimizer: { ...base.optimizer, ...o.optimizer },
    finetune: o.finetune ?? base.finetune,
    videosPerStep: o.videosPerStep ?? base.videosPerStep,
    examplesPerVideo: o.examplesPerVideo ?? base.examplesPerVideo,
  };
}

/** The options every joint experiment takes (spread into its own `parseArgs` options). */
export const JOINT_EXPERIMENT_OPTIONS = {
  train: { type: 'string' },
  val: { type: 'string' },
  out: { type: 'string' },
} as const;

/** A joint experiment's run: `NAME JSON --train DIR --val DIR --out DIR` resolved. */
export interface JointExperiment {
  readonly overrides: ConfigOverrides;
  readonly config: JointTrainingConfig;
  readonly trainDir: string;
  readonly valDir: string;
  readonly outDir: string;
  readonly maxTrainVideos: number;
}

/**
 * Reads `NAME JSON` and the folders; prints the usage and exits with 2 when one is missing.
 * `defaults` are overrides the JSON may override in turn.
 */
export function jointExperiment(
  usage: string,
  positionals: readonly string[],
  dirs: { readonly train?: string; readonly val?: string; readonly out?: string },
  defaults: ConfigOverrides = {},
): JointExperiment {
  const [name, json = '{}'] = positionals;
  if (!name || !dirs.train || !dirs.val || !dirs.out) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  const overrides = { ...defaults, ...(JSON.parse(json) as ConfigOverrides) };
  return {
    overrides,
    config: overriddenConfig(name, overrides),
    trainDir: dirs.train,
    valDir: dirs.val,
    outDir: dirs.out,
    maxTrainVideos: overrides.maxTrain ?? 800,
  };
}

/** Runs the experiment's joint training (no mask model unless `extra` gives one) and prints the summary. */
export async function runJointExperiment(
  experiment: JointExperiment,
  extra: Partial<JointRunOptions> = {},
): Promise<void> {
  const summary = await runJointTraining({
    config: experiment.config,
    trainDir: experiment.trainDir,
    valDir: experiment.valDir,
    maxTrainVideos: experiment.maxTrainVideos,
    maxValVideos: EXPERIMENT_VAL_VIDEOS,
    outDir: experiment.outDir,
    tokenizerDir: tinyTokenizerDir(),
    maskModel: null,
    ...extra,
  });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
