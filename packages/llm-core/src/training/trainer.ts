import { tf } from '@videoloom/backend';
import type { Tensor } from '../layers/ops.js';
import {
  type ForwardOutput,
  PAPER_TRAINABLE_GROUPS,
  type VideoLoomModel,
} from '../models/videoloom/model.js';
import type { TokenSequence } from '../models/videoloom/visual-substitution.js';
import type { ParameterGroup } from '../weights/parameter-store.js';
import { causalLmLoss } from './loss.js';
import { type WarmupCosineSchedule, warmupCosineLearningRate } from './schedule.js';

/** One training example: a sequence, its labels and its visual tokens. */
export interface TrainingExample {
  readonly sequence: TokenSequence;
  /** One label per position (`-100` where no loss is taken); the loss shifts them by one. */
  readonly labels: ArrayLike<number>;
  /** float32 `[N, D]` visual tokens (kept by the caller), or null. @defaultValue null */
  readonly visualTokens?: Tensor | null;
}

export interface TrainerOptions {
  /** Peak Adam learning rate (the paper: 4e-5 for the 8B model). @defaultValue 1e-3 */
  readonly learningRate?: number;
  /** Warm-up + cosine decay of the learning rate; constant when absent. @defaultValue constant */
  readonly schedule?: WarmupCosineSchedule;
  /** Decoupled (AdamW) weight decay, applied as `w -= lr · weightDecay · w` (the paper: 0.05). @defaultValue 0 */
  readonly weightDecay?: number;
  /** Clip the global gradient norm to this value; 0 turns clipping off. @defaultValue 1 */
  readonly maxGradNorm?: number;
  /** Parameter groups that train; the rest are frozen. @defaultValue the paper's set (LoRA, embed_tokens, lm_head, seg head) */
  readonly trainable?: ReadonlySet<ParameterGroup>;
  /**
   * An extra loss per example, computed on the same tape from the forward output (e.g. the [SEG]
   * path: `model.segEmbeddings(output.hidden, example.sequence)` -> SAM2 mask loss). Return a scalar,
   * or null for examples without one. Added to the text loss before averaging over the batch.
   * @defaultValue none
   */
  readonly auxiliaryLoss?: (output: ForwardOutput, example: TrainingExample) => Tensor | null;
}

/** Result of one optimisation step. */
export interface TrainStepResult {
  /** Mean over the batch of next-token cross-entropy (+ the auxiliary loss), before the update. */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradientNorm: number;
}

/** A minimal Adam trainer over the model's trainable groups (text loss + an optional auxiliary loss). */
export class Trainer {
  private readonly optimizer: ReturnType<typeof tf.train.adam>;
  private readonly variables: ReturnType<VideoLoomModel['setTrainable']>;
  private readonly maxGradNorm: number;
  private readonly peakLearningRate: number;
  private readonly schedule: WarmupCosineSchedule | undefined;
  private readonly weightDecay: number;
  /** Optimisation steps taken so far. */
  stepsTaken = 0;
  private readonly auxiliaryLoss: TrainerOptions['auxiliaryLoss'];

  constructor(
    readonly model: VideoLoomModel,
    options: TrainerOptions = {},
  ) {
    this.peakLearningRate = options.learningRate ?? 1e-3;
    this.schedule = options.schedule;
    this.weightDecay = options.weightDecay ?? 0;
    // beta1 0.9, beta2 0.999, epsilon 1e-8: PyTorch's AdamW defaults (tfjs defaults to epsilon 1e-7).
    this.optimizer = tf.train.adam(this.peakLearningRate, 0.9, 0.999, 1e-8);
    this.variables = model.setTrainable(options.trainable ?? PAPER_TRAINABLE_GROUPS);
    this.maxGradNorm = options.maxGradNorm ?? 1;
    this.auxiliaryLoss = options.auxiliaryLoss;
  }

  /** One step on a batch: forward every example on one tape, mean loss, clip, Adam update. */
  async step(batch: readonly TrainingExample[]): Promise<TrainStepResult> {
    const { value, grads } = tf.variableGrads(() => {
      const losses = batch.map((example) => {
        const out = this.model.forward({
          sequence: example.sequence,
          visualTokens: example.visualTokens ?? null,
          training: true,
        });
        // Labels are token ids; logits index embedding rows (they differ for vocabulary subsets).
        const labels = this.model.vocabulary ? this.model.vocabulary.rowsOf(example.labels) : example.labels;
        const text = causalLmLoss(out.logits, labels).loss;
        const extra = this.auxiliaryLoss?.(out, example) ?? null;
        return extra ? tf.add(text, extra) : text;
      });
      return tf.div(tf.addN(losses), batch.length) as ReturnType<typeof tf.scalar>;
    }, this.variables);
    const names = Object.keys(grads);
    const norm = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n] as Tensor))))));
    const gradientNorm = (await norm.data())[0] as number;
    norm.dispose();
    const scale =
      this.maxGradNorm > 0 && gradientNorm > this.maxGradNorm ? this.maxGradNorm / gradientNorm : 1;
    const scaled: Record<string, Tensor> = {};
    for (const n of names) scaled[n] = scale === 1 ? (grads[n] as Tensor) : tf.mul(grads[n] as Tensor, scale);
    const learningRate = this.learningRateAt(this.stepsTaken);
    // tfjs's Adam reads its rate on every update; the field is not in its public typings.
    (this.optimizer as unknown as { learningRate: number }).learningRate = learningRate;
    if (this.weightDecay > 0) {
      for (const v of this.variables) {
        if (names.includes(v.name)) tf.tidy(() => v.assign(tf.mul(v, 1 - learningRate * this.weightDecay)));
      }
    }
    this.optimizer.applyGradients(scaled as Parameters<typeof this.optimizer.applyGradients>[0]);
    for (const n of names) {
      (grads[n] as Tensor).dispose();
      if (scale !== 1) (scaled[n] as Tensor).dispose();
    }
    this.stepsTaken++;
    const loss = (await value.data())[0] as number;
    value.dispose();
    return { loss, gradientNorm };
  }

  /** The learning rate used at optimisation step `step` (0-based). */
  learningRateAt(step: number): number {
    return this.schedule
      ? warmupCosineLearningRate(step, this.peakLearningRate, this.schedule)
      : this.peakLearningRate;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
