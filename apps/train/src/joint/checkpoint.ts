import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TensorToWrite, tf, writeSafetensors } from '@videoloom/backend';
import {
  PIPELINE_CONFIG_FILE,
  type PipelineConfig,
  SafetensorsCheckpoint,
  saveModel,
} from '@videoloom/llm-core';
import type { JointTrainer, StepRecord } from './joint-trainer.js';
import type { JointTrainingConfig } from './training-config.js';

/** What `trainer-state.json` holds besides the tensors. */
export interface TrainerStateFile {
  readonly format: 'videoloom-joint-training';
  readonly version: 1;
  readonly config: JointTrainingConfig;
  readonly stepsTaken: number;
  readonly history: readonly StepRecord[];
  readonly validations: readonly ValidationRecord[];
  /** Adam's weights in `getWeights()` order (tfjs restores them by position, not by name). */
  readonly optimizerWeights: readonly string[];
}

export interface ValidationRecord {
  readonly step: number;
  readonly r1At05: number;
  readonly mIoU: number;
  readonly unparsed: number;
  readonly items: number;
  readonly constantR1At05: number;
  /** Absent in states written before these were recorded. */
  readonly distinctAnswers?: number;
  readonly spanHeadR1At05?: number | null;
}

export const CHECKPOINT_DIR = 'checkpoint';
/** The mask model's folder inside a checkpoint. */
export const SEGMENTER_DIR = 'sam2';
const PREVIOUS_DIR = 'checkpoint.previous';

/**
 * The checkpoint folder to resume from: `checkpoint/`, or `checkpoint.previous/` when a crash hit
 * between the two renames of a save. Null when neither exists.
 */
export function resumableCheckpoint(runDir: string): string | null {
  for (const name of [CHECKPOINT_DIR, PREVIOUS_DIR]) {
    const dir = join(runDir, name);
    if (existsSync(join(dir, 'trainer-state.json'))) return dir;
  }
  return null;
}

/**
 * Writes the whole training state (model, mask model, auxiliary head, Adam moments, step, history)
 * into a fresh folder, then swaps it in with renames: a kill at any point leaves a complete checkpoint.
 */
export async function saveCheckpoint(
  runDir: string,
  trainer: JointTrainer,
  extra: {
    history: readonly StepRecord[];
    validations: readonly ValidationRecord[];
    tokenizerDir: string;
    saveMaskModel?: (dir: string) => Promise<void>;
  },
): Promise<string> {
  const staging = join(runDir, `checkpoint.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // The checkpoint is also an inference folder: VideoLoomPipeline.load(dir) + a segmenter from dir/sam2.
  await saveModel(trainer.model, staging);
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
    await copyFile(join(extra.tokenizerDir, file), join(staging, file));
  }
  const pipeline: PipelineConfig = {
    sampling: {
      fastFrames: trainer.config.sampling.fastFrames,
      slowFrames: trainer.config.sampling.slowFrames,
      mllmSize: trainer.config.sampling.mllmSize,
    },
    layout: trainer.config.layout,
    prompts: trainer.config.prompts,
  };
  await writeFile(join(staging, PIPELINE_CONFIG_FILE), `${JSON.stringify(pipeline, null, 2)}\n`);
  if (extra.saveMaskModel) await extra.saveMaskModel(join(staging, SEGMENTER_DIR));
  const tensors: TensorToWrite[] = [];
  const add = async (name: string, t: tf.Tensor) =>
    tensors.push({ name, shape: [...t.shape], data: (await t.data()) as Float32Array, dtype: 'F32' });
  for (const head of [trainer.eventHead, trainer.spanHead]) {
    if (!head) continue;
    await add(`${head.name}.weight`, head.weight);
    await add(`${head.name}.bias`, head.bias);
  }
  const optimizerWeights: string[] = [];
  for (const [i, { tensor }] of (await trainer.optimizer.getWeights()).entries()) {
    // Indexed names: the file's own order is not guaranteed, the restore order is.
    optimizerWeights.push(`optimizer/${String(i).padStart(5, '0')}`);
    await add(optimizerWeights[i]!, tensor);
  }
  const betaPowers = adamBetaPowers(trainer);
  await add('optimizer/accBeta1', betaPowers.accBeta1);
  await add('optimizer/accBeta2', betaPowers.accBeta2);
  await writeSafetensors(join(staging, 'trainer-state.safetensors'), tensors, { format: 'pt' });
  const state: TrainerStateFile = {
    format: 'videoloom-joint-training',
    version: 1,
    config: trainer.config,
    stepsTaken: trainer.stepsTaken,
    history: extra.history,
    validations: extra.validations,
    optimizerWeights,
  };
  await writeFile(join(staging, 'trainer-state.json'), JSON.stringify(state));
  const current = join(runDir, CHECKPOINT_DIR);
  const previous = join(runDir, PREVIOUS_DIR);
  await rm(previous, { recursive: true, force: true });
  if (existsSync(current)) await rename(current, previous);
  await rename(staging, current);
  await rm(previous, { recursive: true, force: true });
  return current;
}

/** Reads a checkpoint's trainer state (JSON part). */
export async function readTrainerState(dir: string): Promise<TrainerStateFile> {
  return JSON.parse(await readFile(join(dir, 'trainer-state.json'), 'utf8')) as TrainerStateFile;
}

/**
 * Restores the auxiliary head and the optimiser moments of a checkpoint into a trainer whose model
 * (and mask model) were loaded from the same checkpoint, and its step counter.
 */
export async function restoreTrainerState(
  dir: string,
  trainer: JointTrainer,
  state: TrainerStateFile,
): Promise<void> {
  const file = await SafetensorsCheckpoint.open(join(dir, 'trainer-state.safetensors'));
  const read = async (name: string) => {
    const t = await file.read(name);
    return tf.tensor(t.data as Float32Array, t.shape as number[]);
  };
  for (const head of [trainer.eventHead, trainer.spanHead]) {
    if (!head) continue;
    for (const [variable, name] of [
      [head.weight, `${head.name}.weight`],
      [head.bias, `${head.name}.bias`],
    ] as const) {
      const value = await read(name);
      variable.assign(value);
      value.dispose();
    }
  }
  const optimizerWeights: { name: string; tensor: tf.Tensor }[] = [];
  for (const name of state.optimizerWeights) optimizerWeights.push({ name, tensor: await read(name) });
  if (optimizerWeights.length > 0) await trainer.optimizer.setWeights(optimizerWeights);
  // setWeights recomputes beta^t with pow(), a few ulps from the running products an uninterrupted
  // run holds; restore the saved products so a resumed run is bit-identical.
  const betaPowers = adamBetaPowers(trainer);
  for (const key of ['accBeta1', 'accBeta2'] as const) {
    const value = await read(`optimizer/${key}`);
    betaPowers[key].assign(value);
    value.dispose();
  }
  trainer.stepsTaken = state.stepsTaken;
}

/**
 * Copies what inference needs from a checkpoint (model, tokenizer, pipeline.json, sam2/) to `target`,
 * without the optimiser state, replacing `target` atomically (staging folder + rename).
 */
export async function exportCheckpoint(checkpointDir: string, target: string): Promise<void> {
  const staging = `${target}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await cp(checkpointDir, staging, {
    recursive: true,
    filter: (source) => !/trainer-state\.(json|safetensors)$/.test(source),
  });
  const previous = `${target}.previous-${process.pid}`;
  if (existsSync(target)) await rename(target, previous);
  await rename(staging, target);
  await rm(previous, { recursive: true, force: true });
}

/** tfjs Adam's running beta1^t / beta2^t (fields outside its public typings). */
function adamBetaPowers(trainer: JointTrainer): { accBeta1: tf.Variable; accBeta2: tf.Variable } {
  return trainer.optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
}
