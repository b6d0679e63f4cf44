import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initializeFromCheckpoint, loadModel } from '@videoloom/llm-core';
import { loadTokenizer, type TextTokenizer } from '@videoloom/tokenizer';
import { FfmpegVideoSource } from '@videoloom/video-io';
import {
  readTrainerState,
  restoreTrainerState,
  resumableCheckpoint,
  SEGMENTER_DIR,
  saveCheckpoint,
  type ValidationRecord,
} from './checkpoint.js';
import { TrainingDataError } from './errors.js';
import { FrameEventHead, type MaskLossModel } from './joint-loss.js';
import { JointTrainer, type StepRecord } from './joint-trainer.js';
import { renderTrainingCurves } from './loss-plot.js';
import { formatSeconds, ProgressBar } from './progress-bar.js';
import { type PreparedVideo, prepareVideoCached, readSynthSplit } from './synth-videos.js';
import type { JointTrainingConfig } from './training-config.js';
import { bestConstantSpan, constantSpanR1At05, validateWhen, whenValidationItems } from './validation.js';

/** How the mask model is made, saved and restored (sam2-bridge's trainable tiny SAM2 in the CLI). */
export interface MaskModelIo {
  create(seed: number): MaskLossModel;
  load(dir: string): Promise<MaskLossModel>;
  save(model: MaskLossModel, dir: string): Promise<void>;
}

export interface JointRunOptions {
  readonly config: JointTrainingConfig;
  /** LoomBench-Synth split folders. */
  readonly trainDir: string;
  readonly valDir: string;
  /** Run folder: checkpoint/, curves.svg, log.jsonl, summary.json. */
  readonly outDir: string;
  readonly tokenizerDir: string;
  /** Use only the first N train videos. @defaultValue all */
  readonly maxTrainVideos?: number;
  readonly maxValVideos?: number;
  /**
   * A fresh run starts from this checkpoint folder's weights (an exported checkpoint or a run's
   * `checkpoint/`): the MLLM tensor by tensor (tensors the folder lacks keep their initialisation), and
   * its SAM2 when the run trains masks and the folder has one. The optimiser and the auxiliary heads
   * start fresh. A resumed run ignores it: its own checkpoint holds the weights. @defaultValue none
   */
  readonly initFrom?: string;
  /** Continue from the run folder's checkpoint when there is one. @defaultValue true */
  readonly resume?: boolean;
  /** Stop after this many steps of this process (for tests of resume). @defaultValue no limit */
  readonly stopAfterSteps?: number;
  /** Decode (and cache) the splits, then return without training. @defaultValue false */
  readonly prepareOnly?: boolean;
  readonly maskModel?: MaskModelIo | null;
  readonly log?: (line: string) => void;
}

export interface JointRunSummary {
  readonly stepsTaken: number;
  readonly checkpointDir: string;
  readonly lastValidation: ValidationRecord | null;
  readonly constantSpan: { start: number; end: number; r1At05: number; mIoU: number };
  readonly trainSeconds: number;
  /** `initFrom` when this process started the run from it; null for a run from scratch or a resume. */
  readonly initializedFrom: string | null;
}

async function prepareAll(
  label: string,
  dir: string,
  config: JointTrainingConfig,
  limit: number | undefined,
): Promise<PreparedVideo[]> {
  const split = await readSynthSplit(dir);
  const ids = split.videoIds.slice(0, limit ?? split.videoIds.length);
  // Training renders frames from the generator (fast); validation decodes the mp4s like evaluation.
  const source = label === 'train' ? 'render' : new FfmpegVideoSource();
  const bar = new ProgressBar(`decode ${label}`, ids.length);
  const out: PreparedVideo[] = [];
  for (const [i, id] of ids.entries()) {
    out.push(await prepareVideoCached(split, id, config.sampling, source));
    bar.update(i + 1);
  }
  return out;
}

/** Trains (or resumes) a joint run to `config.steps`, validating and checkpointing on the way. */
export async function runJointTraining(options: JointRunOptions): Promise<JointRunSummary | null> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { config, outDir } = options;
  await mkdir(outDir, { recursive: true });
  const tokenizer: TextTokenizer = loadTokenizer(options.tokenizerDir);
  const train = await prepareAll('train', options.trainDir, config, options.maxTrainVideos);
  const val = await prepareAll('val', options.valDir, config, options.maxValVideos);
  if (options.prepareOnly) return null;
  const constantSpan = bestConstantSpan(
    train.flatMap((v) =>
      v.items
        .filter((i) => i.task === 'when' && i.span)
        .map((i) => ({ span: i.span as [number, number], durationSeconds: v.truth.durationSeconds })),
    ),
  );
  // Scored on exactly the items validation decodes, so the two figures compare.
  const valConstant = constantSpanR1At05(whenValidationItems(val, config.validationItems), constantSpan);
  log(
    `best constant span (fit on train): [${constantSpan.start.toFixed(2)}, ${constantSpan.end.toFixed(2)}] of the video; ` +
      `R1@0.5 train ${constantSpan.r1At05.toFixed(3)}, validation items ${valConstant.toFixed(3)}`,
  );

  const resumeFrom = options.resume === false ? null : resumableCheckpoint(outDir);
  const state = resumeFrom ? await readTrainerState(resumeFrom) : null;
  if (state && JSON.stringify(state.config) !== JSON.stringify(config)) {
    throw new Error(
      `${resumeFrom}: the checkpoint was trained with another config; use a new --out or the same config`,
    );
  }
  const initFrom = resumeFrom ? null : (options.initFrom ?? null);
  const initWeights = initFrom ? join(initFrom, 'model.safetensors') : null;
  if (initWeights && !existsSync(initWeights)) {
    throw new TrainingDataError(
      '--init',
      `${initFrom} has no model.safetensors: expected a checkpoint folder`,
    );
  }
  const model = resumeFrom
    ? (await loadModel(resumeFrom, { weightsPath: join(resumeFrom, 'model.safetensors') })).model
    : JointTrainer.createModel(config, tokenizer);
  if (initWeights) {
    const init = await initializeFromCheckpoint(model, initWeights);
    log(
      `initialised ${init.loaded.length} of ${model.params.names().length} MLLM tensors from ${initWeights}` +
        (init.kept.length > 0 ? `; fresh: ${init.kept.join(', ')}` : ''),
    );
  }
  const maskIo = options.maskModel ?? null;
  const maskFrom = resumeFrom ?? (initFrom && existsSync(join(initFrom, SEGMENTER_DIR)) ? initFrom : null);
  const maskModel = maskIo
    ? maskFrom
      ? await maskIo.load(join(maskFrom, SEGMENTER_DIR))
      : maskIo.create(config.seed)
    : null;
  const eventHead =
    config.loss.frameEvents > 0
      ? new FrameEventHead(model.config.decoder.hiddenSize, config.seed + 1, { priorLogit: -4 })
      : null;
  const spanHead =
    config.loss.spanFrames > 0
      ? new FrameEventHead(model.config.decoder.hiddenSize, config.seed + 2, {
          name: 'span_head',
          outputs: 3,
          priorLogit: -1.5,
        })
      : null;
  const trainer = new JointTrainer(config, tokenizer, model, maskModel, eventHead, spanHead);
  const history: StepRecord[] = [...(state?.history ?? [])];
  const validations: ValidationRecord[] = [...(state?.validations ?? [])];
  if (resumeFrom && state) {
    await restoreTrainerState(resumeFrom, trainer, state);
    log(`resumed from ${resumeFrom} at step ${trainer.stepsTaken}`);
  }
  const save = () =>
    saveCheckpoint(outDir, trainer, {
      history,
      validations,
      tokenizerDir: options.tokenizerDir,
      ...(maskIo && maskModel ? { saveMaskModel: (dir: string) => maskIo.save(maskModel, dir) } : {}),
    });
  const bar = new ProgressBar(`train ${config.name}`, config.steps, process.stderr, trainer.stepsTaken);
  let stepsThisProcess = 0;
  while (trainer.stepsTaken < config.steps) {
    const record = trainer.step(trainer.batchAt(trainer.stepsTaken, train));
    history.push(record);
    stepsThisProcess++;
    const recent = history.slice(-20);
    const mean = (k: keyof StepRecord) => {
      const xs = recent.map((r) => r[k] as number).filter(Number.isFinite);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
    };
    bar.update(
      trainer.stepsTaken,
      `loss ${mean('total').toFixed(3)} frame-id ${mean('frameId').toFixed(3)} mask ${mean('mask').toFixed(3)} ` +
        `events ${mean('frameEvents').toFixed(3)} span ${mean('spanFrames').toFixed(3)} ${(1 / mean('seconds')).toFixed(2)} step/s`,
    );
    const last = trainer.stepsTaken === config.steps;
    if (trainer.stepsTaken % config.validateEvery === 0 || last) {
      const v = await validateWhen(trainer, val, config.validationItems);
      const record: ValidationRecord = { step: trainer.stepsTaken, ...v, constantR1At05: valConstant };
      validations.push(record);
      log(
        `\nval @${record.step}: When R1@0.5 ${v.r1At05.toFixed(3)} (constant span ${valConstant.toFixed(3)}), ` +
          `mIoU ${v.mIoU.toFixed(3)}, unparsed ${v.unparsed}/${v.items}, ${v.distinctAnswers} distinct answers` +
          (v.spanHeadR1At05 === null ? '' : `; span head alone R1@0.5 ${v.spanHeadR1At05.toFixed(3)}`),
      );
    }
    if (trainer.stepsTaken % config.checkpointEvery === 0 || last) await save();
    if (options.stopAfterSteps !== undefined && stepsThisProcess >= options.stopAfterSteps) break;
  }
  const checkpointDir = join(outDir, 'checkpoint');
  await writeFile(join(outDir, 'curves.svg'), renderTrainingCurves(history, validations, config.name));
  trainer.dispose();
  model.dispose();
  maskModel?.dispose();
  eventHead?.dispose();
  spanHead?.dispose();
  const trainSeconds = history.reduce((a, r) => a + r.seconds, 0);
  log(`trained ${trainer.stepsTaken} steps in ${formatSeconds(trainSeconds)} (step time summed over runs)`);
  return {
    stepsTaken: trainer.stepsTaken,
    checkpointDir,
    lastValidation: validations.at(-1) ?? null,
    constantSpan,
    trainSeconds,
    initializedFrom: initFrom,
  };
}
