import { tf } from '@videoloom/backend';
import { causalLmLoss, gatherRows, linear, type VideoLoomModel } from '@videoloom/llm-core';
import { FRAME_EVENT_COUNT, type JointExample } from './examples.js';
import type { PreparedVideo } from './synth-videos.js';

type Tensor = tf.Tensor;

/**
 * The SAM2 side of the joint loss: masks from a [SEG] prompt on SAM2-size frames, BCE + Dice against
 * the truth. sam2-bridge's trainable tiny SAM2 satisfies it.
 */
export interface MaskLossModel {
  /**
   * @param rgbFrames k frames, uint8 RGB `[H, W, 3]` each (preprocessed by the model)
   * @param prompt float32 `[1, 256]`: the projected [SEG] embedding (gradients flow back through it)
   * @param masks k uint8 0/1 masks `[H, W]`
   * @returns float32 scalar: bceWeight · BCE + diceWeight · Dice, averaged over the frames
   */
  maskLoss(
    rgbFrames: readonly { rgb: Uint8Array; width: number; height: number }[],
    prompt: Tensor,
    masks: readonly Uint8Array[],
  ): tf.Scalar;
  readonly trainableVariables: readonly tf.Variable[];
  dispose(): void;
}

/** Weights of the loss terms (config `loss`). */
export interface JointLossWeights {
  /** Next-token cross-entropy on answers. @defaultValue 1 */
  readonly text: number;
  /** Mask loss (its BCE/Dice mix is the mask model's). @defaultValue 1 */
  readonly mask: number;
  /** Frame-event auxiliary BCE on the frame-id positions (summed over labels); 0 turns the head off. @defaultValue 0.2 */
  readonly frameEvents: number;
  /** Question-aware span BCE (inside / first / last) on the frame-id positions; 0 turns it off. @defaultValue 1 */
  readonly spanFrames: number;
}

/**
 * An auxiliary head (training only): a linear map from the hidden state at a frame-id token to
 * per-frame logits (frame events, or the asked span).
 */
export class FrameEventHead {
  readonly weight: tf.Variable; // [D, E] (transposed linear weight)
  readonly bias: tf.Variable; // [E]
  /** Its prefix in checkpoints. */
  readonly name: string;

  constructor(
    hiddenSize: number,
    seed: number,
    options: {
      readonly name?: string;
      /** Logits per frame. @defaultValue FRAME_EVENT_COUNT */
      readonly outputs?: number;
      /** Initial logit of every output: the labels are sparse, so starting at their prior keeps the first steps sane. */
      readonly priorLogit?: number;
    } = {},
  ) {
    const { name = 'frame_event_head', outputs = FRAME_EVENT_COUNT, priorLogit = 0 } = options;
    this.name = name;
    this.weight = tf.variable(
      tf.randomNormal([hiddenSize, outputs], 0, 1 / Math.sqrt(hiddenSize), 'float32', seed),
      true,
    );
    this.bias = tf.variable(tf.fill([outputs], priorLogit), true);
  }

  /** float32 `[n, D]` -> logits `[n, E]`. */
  apply(hidden: Tensor): Tensor {
    return linear(hidden, this.weight, this.bias);
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}

/**
 * A video's visual tokens as a prompt consumes them: fast frames pooled, then slow keyframes, one
 * encoder pass for both. float32 `[Nf * fastTokens + Ns * slowTokens, D]`. Differentiable (training)
 * and used as is by validation.
 */
export function videoVisualTokens(model: VideoLoomModel, video: PreparedVideo): Tensor {
  const S = model.config.vision.imageSize;
  const nf = video.timeline?.length ?? 0;
  const ns = video.slowKeyframes.length;
  return tf.tidy(() => {
    const pixels = tf.tensor4d(video.mllmPixels, [nf + ns, 3, S, S]);
    return model.videoTokens(
      nf > 0 ? pixels.slice([0, 0, 0, 0], [nf, 3, S, S]) : null,
      ns > 0 ? pixels.slice([nf, 0, 0, 0], [ns, 3, S, S]) : null,
    );
  });
}

/**
 * Binary cross-entropy summed over a frame's labels and averaged over frames. A mean over labels
 * would divide each label's gradient by the label count (hundreds of sparse frame events), which
 * left the auxiliary heads at their prior.
 */
export function perFrameBce(targets: Tensor, logits: Tensor): tf.Scalar {
  const frames = targets.shape[0] as number;
  return tf.div(
    tf.losses.sigmoidCrossEntropy(targets, logits, undefined, 0, tf.Reduction.SUM),
    frames,
  ) as tf.Scalar;
}

/**
 * Per-frame targets `[Nf, width]` repeated for `reads` read positions (a whole number of times the frame
 * count: a readout may read every frame at more than one position).
 */
function perReadTargets(perFrame: Float32Array, width: number, reads: number): Tensor {
  const frames = perFrame.length / width;
  const targets = tf.tensor2d(perFrame, [frames, width]);
  return reads === frames ? targets : tf.tile(targets, [reads / frames, 1]);
}

/** One video of a batch: its decoded frames, its sequences and its frame-event targets. */
export interface VideoBatch {
  readonly video: PreparedVideo;
  readonly examples: readonly JointExample[];
  /** float32 0/1 `[Nf, FRAME_EVENT_COUNT]`. */
  readonly frameEvents: Float32Array;
  /** The video's visual tokens when they cannot change (vision and projector frozen): the encoder is skipped. */
  readonly visualTokens?: Tensor;
}

/** Loss parts of one batch, as numbers (means over the batch). */
export interface LossParts {
  total: number;
  text: number;
  /** Cross-entropy of the frame-id answer tokens alone (nats): the grounding signal to watch. */
  frameId: number;
  mask: number;
  frameEvents: number;
  spanFrames: number;
}

/** Loss parts before a batch fills them in. */
export function emptyLossParts(): LossParts {
  return { total: 0, text: 0, frameId: 0, mask: 0, frameEvents: 0, spanFrames: 0 };
}

/**
 * The joint loss of a batch, built to be differentiated: vision encoder once per video, every
 * sequence of that video on the same visual tokens, CE(text) + w·mask + w·frame-events.
 * Returns the scalar to minimise and, through `parts`, the terms as numbers.
 */
export function jointLoss(
  model: VideoLoomModel,
  maskModel: MaskLossModel | null,
  eventHead: FrameEventHead | null,
  spanHead: FrameEventHead | null,
  batch: readonly VideoBatch[],
  weights: JointLossWeights,
  parts: LossParts,
): tf.Scalar {
  const terms: Tensor[] = [];
  const sums = {
    text: 0,
    frameId: 0,
    frameIdCount: 0,
    mask: 0,
    maskCount: 0,
    events: 0,
    eventCount: 0,
    span: 0,
    spanCount: 0,
  };
  let sequences = 0;
  for (const { video, examples, frameEvents, visualTokens } of batch) {
    const visual = visualTokens ?? videoVisualTokens(model, video);
    for (const example of examples) {
      sequences++;
      const out = model.forward({ sequence: example.prompt, visualTokens: visual, training: true });
      const L = example.prompt.ids.length;
      const V = out.logits.shape[2] as number;
      const text = causalLmLoss(out.logits, example.labels).loss;
      let loss: Tensor = tf.mul(text, weights.text);
      sums.text += text.dataSync()[0] as number;
      if (example.frameIdLabelPositions.length > 0) {
        // Logged only: the CE of frame-id answer tokens (the logits one position earlier predict them).
        const picked = tf.tidy(() => {
          const rowsAt = gatherRows(
            out.logits.reshape([L, V]),
            tf.tensor1d(
              example.frameIdLabelPositions.map((p) => p - 1),
              'int32',
            ),
          );
          const targets = tf.oneHot(
            tf.tensor1d(
              example.frameIdLabelPositions.map((p) => example.labels[p]!),
              'int32',
            ),
            V,
          );
          return tf.neg(tf.sum(tf.mul(tf.logSoftmax(rowsAt, -1), targets)));
        });
        sums.frameId += picked.dataSync()[0] as number;
        sums.frameIdCount += example.frameIdLabelPositions.length;
      }
      const D2 = out.hidden.shape[2] as number;
      const reads = example.frameReadPositions.length;
      const atReads =
        reads > 0
          ? gatherRows(
              out.hidden.reshape([L, D2]),
              tf.tensor1d(example.frameReadPositions as number[], 'int32'),
            )
          : null;
      if (spanHead && atReads && example.spanTargets && weights.spanFrames > 0) {
        const targets = perReadTargets(example.spanTargets, 3, reads);
        const spanLoss = perFrameBce(targets, spanHead.apply(atReads));
        sums.span += spanLoss.dataSync()[0] as number;
        sums.spanCount++;
        loss = tf.add(loss, tf.mul(spanLoss, weights.spanFrames));
      }
      if (eventHead && atReads && weights.frameEvents > 0) {
        const logits = eventHead.apply(atReads);
        const targets = perReadTargets(frameEvents, FRAME_EVENT_COUNT, reads);
        const events = perFrameBce(targets, logits);
        sums.events += events.dataSync()[0] as number;
        sums.eventCount++;
        loss = tf.add(loss, tf.mul(events, weights.frameEvents));
      }
      if (maskModel && weights.mask > 0 && example.maskFrames.length > 0) {
        const seg = model.segEmbeddings(out.hidden, example.prompt); // [1, 256]
        const mask = maskModel.maskLoss(
          example.maskFrames.map((f) => ({ rgb: f.rgb, width: video.width, height: video.height })),
          seg,
          example.maskFrames.map((f) => f.mask),
        );
        sums.mask += mask.dataSync()[0] as number;
        sums.maskCount++;
        loss = tf.add(loss, tf.mul(mask, weights.mask));
      }
      terms.push(loss);
    }
  }
  parts.text = sums.text / Math.max(sequences, 1);
  parts.frameId = sums.frameIdCount > 0 ? sums.frameId / sums.frameIdCount : Number.NaN;
  parts.mask = sums.maskCount > 0 ? sums.mask / sums.maskCount : Number.NaN;
  parts.frameEvents = sums.eventCount > 0 ? sums.events / sums.eventCount : Number.NaN;
  parts.spanFrames = sums.spanCount > 0 ? sums.span / sums.spanCount : Number.NaN;
  const total = tf.div(tf.addN(terms), terms.length) as tf.Scalar;
  parts.total = total.dataSync()[0] as number;
  return total;
}
