import { tf } from '@videoloom/backend';
import {
  type DistractorWhereQuestion,
  generateDistractorWhereQuestions,
  SeededRandom,
} from '@videoloom/data';
import {
  PAPER_TRAINABLE_GROUPS,
  type ParameterGroup,
  resolveModelConfig,
  VideoLoomModel,
  warmupCosineLearningRate,
} from '@videoloom/llm-core';
import type { LoomBenchItem } from '@videoloom/metrics';
import { SlowFastLayoutBuilder } from '@videoloom/slowfast';
import type { TextTokenizer } from '@videoloom/tokenizer';
import { TrainingDataError } from './errors.js';
import {
  EXAMPLE_TASKS,
  type ExampleTask,
  type FrameReadout,
  frameEventTargets,
  JointExampleBuilder,
} from './examples.js';
import {
  emptyLossParts,
  type FrameEventHead,
  jointLoss,
  type LossParts,
  type MaskLossModel,
  type VideoBatch,
  videoVisualTokens,
} from './joint-loss.js';
import type { PreparedVideo } from './synth-videos.js';
import type { JointTrainingConfig } from './training-config.js';

/** One logged optimisation step. */
export interface StepRecord extends LossParts {
  readonly step: number;
  readonly learningRate: number;
  readonly gradientNorm: number;
  readonly seconds: number;
}

/** The model side of a run: the MLLM, the mask model, the auxiliary head and the optimiser. */
export class JointTrainer {
  readonly optimizer: tf.AdamOptimizer;
  readonly variables: tf.Variable[];
  readonly examples: JointExampleBuilder;
  readonly layout: SlowFastLayoutBuilder;
  /** Where the per-frame heads read (`config.frameReadout`; older checkpoints lack it: 'frame-id'). */
  readonly frameReadout: FrameReadout;
  /**
   * Visual tokens by video id while neither vision nor projector trains (stage 2 of a stage-wise run):
   * they cannot change, and the encoder is most of a step's time. Null when either trains.
   */
  private readonly frozenVisualTokens: Map<string, tf.Tensor> | null;
  stepsTaken = 0;

  constructor(
    readonly config: JointTrainingConfig,
    readonly tokenizer: TextTokenizer,
    readonly model: VideoLoomModel,
    readonly maskModel: MaskLossModel | null,
    readonly eventHead: FrameEventHead | null,
    readonly spanHead: FrameEventHead | null = null,
  ) {
    this.layout = new SlowFastLayoutBuilder(tokenizer, config.layout);
    this.frameReadout = config.frameReadout ?? 'frame-id';
    this.examples = new JointExampleBuilder(tokenizer, this.layout, config.prompts, this.frameReadout);
    // beta1 0.9, beta2 0.999, epsilon 1e-8: PyTorch's AdamW defaults.
    this.optimizer = tf.train.adam(config.optimizer.learningRate, 0.9, 0.999, 1e-8);
    const modelGroups = new Set(model.params.specs.map((spec) => spec.group));
    if (Array.isArray(config.finetune)) {
      // The list may come from JSON (experiments, a stored config): a misspelt group would freeze silently.
      const unknown = config.finetune.filter((g) => !modelGroups.has(g));
      if (unknown.length > 0) {
        throw new TrainingDataError(
          'config.finetune',
          `unknown parameter group(s) ${unknown.map((g) => `"${g}"`).join(', ')}; this model has ${[...modelGroups].join(', ')}`,
        );
      }
    }
    const groups: ReadonlySet<ParameterGroup> =
      config.finetune === 'lora'
        ? PAPER_TRAINABLE_GROUPS
        : config.finetune === 'full'
          ? modelGroups
          : new Set(config.finetune);
    this.frozenVisualTokens = groups.has('vision') || groups.has('projector') ? null : new Map();
    this.variables = [
      ...model.setTrainable(groups),
      ...(maskModel?.trainableVariables ?? []),
      ...(eventHead ? [eventHead.weight, eventHead.bias] : []),
      ...(spanHead ? [spanHead.weight, spanHead.bias] : []),
    ];
  }

  /** A fresh model for `config`, with special-token ids read from the tokenizer. */
  static createModel(config: JointTrainingConfig, tokenizer: TextTokenizer): VideoLoomModel {
    const ids = tokenizer.specialTokenIds();
    const modelConfig = resolveModelConfig({
      ...config.model,
      decoder: { ...config.model.decoder, vocabSize: tokenizer.vocabSize },
      specialTokens: { imgContext: ids.imageContext, seg: ids.segmentation },
    });
    return VideoLoomModel.create(modelConfig, { seed: config.seed });
  }

  learningRateAt(step: number): number {
    const o = this.config.optimizer;
    return warmupCosineLearningRate(step, o.learningRate, {
      totalSteps: this.config.steps,
      warmupRatio: o.warmupRatio,
    });
  }

  /**
   * The batch of step `step`: drawn from a generator seeded by (seed, step) alone, so a resumed run
   * sees exactly the batches an uninterrupted one would.
   */
  batchAt(step: number, videos: readonly PreparedVideo[]): VideoBatch[] {
    const random = new SeededRandom((this.config.seed * 1_000_003 + step * 7919) >>> 0);
    // Checkpoints from before a task existed lack its weight: it was 0 then.
    const mix = EXAMPLE_TASKS.map((t) => this.config.taskMix[t] ?? 0);
    const totalWeight = mix.reduce((a, b) => a + b, 0);
    const pickTask = (): ExampleTask => {
      let u = random.next() * totalWeight;
      for (const [i, task] of EXAMPLE_TASKS.entries()) {
        u -= mix[i]!;
        if (u <= 0) return task;
      }
      return EXAMPLE_TASKS[EXAMPLE_TASKS.length - 1]!;
    };
    const batch: VideoBatch[] = [];
    for (let v = 0; v < this.config.videosPerStep; v++) {
      const video = videos[random.int(0, videos.length - 1)]!;
      const examples = [];
      for (let e = 0; e < this.config.examplesPerVideo; e++) {
        const task = pickTask();
        const wanted =
          task === 'when' ? 'when' : task === 'where' ? 'where' : task === 'dense' ? null : 'combined';
        const candidates: readonly (LoomBenchItem | DistractorWhereQuestion)[] =
          task === 'where-distractor'
            ? generateDistractorWhereQuestions(video.scenario)
            : wanted
              ? video.items.filter((i) => i.task === wanted)
              : [];
        const item = candidates.length > 0 ? random.pick(candidates) : null;
        if ((wanted || task === 'where-distractor') && !item) continue;
        examples.push(
          this.examples.build(video, task, item, (frames) =>
            Array.from({ length: Math.min(this.config.maskFramesPerExample, frames.length) }, () =>
              random.pick(frames),
            ),
          ),
        );
      }
      if (examples.length === 0) continue;
      batch.push({
        video,
        examples,
        frameEvents: video.timeline ? frameEventTargets(video.scenario, video.timeline) : new Float32Array(0),
      });
    }
    return batch;
  }

  /** One AdamW step with global-norm clipping on the joint loss of `batch`. */
  step(batch: readonly VideoBatch[]): StepRecord {
    const started = performance.now();
    const parts = emptyLossParts();
    const cache = this.frozenVisualTokens;
    if (cache) {
      for (const { video } of batch) {
        if (!cache.has(video.videoId)) cache.set(video.videoId, videoVisualTokens(this.model, video));
      }
    }
    const withTokens = cache ? batch.map((b) => ({ ...b, visualTokens: cache.get(b.video.videoId) })) : batch;
    const { grads, value } = tf.variableGrads(
      () =>
        jointLoss(
          this.model,
          this.maskModel,
          this.eventHead,
          this.spanHead,
          withTokens,
          this.config.loss,
          parts,
        ),
      this.variables,
    );
    value.dispose();
    // Every variable gets a gradient every step, zero when this batch did not reach it (a batch
    // without [SEG] answers leaves SAM2 out): tfjs's Adam matches its moments to gradients by position.
    const names = this.variables.map((v) => v.name);
    for (const v of this.variables) if (!grads[v.name]) grads[v.name] = tf.zerosLike(v);
    const norm = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))));
    const gradientNorm = norm.dataSync()[0] as number;
    norm.dispose();
    const { maxGradNorm, weightDecay } = this.config.optimizer;
    const scale = maxGradNorm > 0 && gradientNorm > maxGradNorm ? maxGradNorm / gradientNorm : 1;
    const learningRate = this.learningRateAt(this.stepsTaken);
    // tfjs's Adam reads its rate on every update; the field is not in its public typings.
    (this.optimizer as unknown as { learningRate: number }).learningRate = learningRate;
    const scaled = names.map((name) => ({
      name,
      tensor: scale === 1 ? grads[name]! : tf.mul(grads[name]!, scale),
    }));
    if (weightDecay > 0) {
      for (const v of this.variables) {
        // Decoupled decay on matrices only (norm gains and biases are exempt, as in common AdamW setups).
        if (v.rank >= 2) tf.tidy(() => v.assign(tf.mul(v, 1 - learningRate * weightDecay)));
      }
    }
    this.optimizer.applyGradients(scaled);
    for (const [i, name] of names.entries()) {
      grads[name]!.dispose();
      if (scale !== 1) scaled[i]!.tensor.dispose();
    }
    this.stepsTaken++;
    return {
      ...parts,
      step: this.stepsTaken,
      learningRate,
      gradientNorm,
      seconds: (performance.now() - started) / 1000,
    };
  }

  dispose(): void {
    this.optimizer.dispose();
    for (const tokens of this.frozenVisualTokens?.values() ?? []) tokens.dispose();
    this.frozenVisualTokens?.clear();
  }
}
