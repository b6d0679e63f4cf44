import { type JointTrainingConfig, resolveTrainingConfig } from '../src/joint/training-config.js';

/**
 * Overrides of a preset that the CLI does not expose, as the experiments take them (JSON): preset,
 * steps, validateEvery, model (fastPool, fastFrameMotion), sampling, layout, taskMix, loss, optimizer,
 * finetune.
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
  readonly optimizer?: Partial<JointTrainingConfig['optimizer']>;
  readonly finetune?: JointTrainingConfig['finetune'];
  /** Train videos used (the first N). @defaultValue 800 */
  readonly maxTrain?: number;
}

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
    optimizer: { ...base.optimizer, ...o.optimizer },
    finetune: o.finetune ?? base.finetune,
  };
}
