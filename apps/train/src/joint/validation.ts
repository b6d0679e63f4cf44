import { tf } from '@videoloom/backend';
import { fillTaskPrompt, gatherRows, generate } from '@videoloom/llm-core';
import { charadesIoU } from '@videoloom/metrics';
import { parseTemporalGrounding, type SlowFastPrompt } from '@videoloom/slowfast';
import { type FrameReadout, frameReadPositionsOf } from './examples.js';
import { type FrameEventHead, videoVisualTokens } from './joint-loss.js';
import type { JointTrainer } from './joint-trainer.js';
import type { PreparedVideo } from './synth-videos.js';

/** Greedy-decoded When answers on validation items, against the best constant span. */
export interface WhenValidation {
  readonly items: number;
  /** Fraction of items with tIoU >= 0.5. */
  readonly r1At05: number;
  readonly mIoU: number;
  /** Answers the parser could not read (scored 0). */
  readonly unparsed: number;
  /** Different answer texts among the items: 1 means the model ignores the video and the question. */
  readonly distinctAnswers: number;
  /**
   * R1@0.5 of the span head read directly (the longest run of frames it marks as inside), or null
   * without one: whether the frame states ground the question even when the text answer does not.
   */
  readonly spanHeadR1At05: number | null;
}

/** A When item with its video. */
export interface WhenValidationItem {
  readonly video: PreparedVideo;
  readonly item: PreparedVideo['items'][number] & { readonly span: readonly [number, number] };
}

/**
 * The When items validation scores: `limit` of them evenly spaced over all the videos' When items, so
 * they cover every part of a video (a video's first items are all about its opening, and a constant
 * "start of the video" answer scored well on them).
 */
export function whenValidationItems(videos: readonly PreparedVideo[], limit: number): WhenValidationItem[] {
  const all = videos.flatMap((video) =>
    video.items
      .filter((i) => i.task === 'when' && i.span && video.timeline)
      .map((item) => ({ video, item: item as WhenValidationItem['item'] })),
  );
  if (all.length <= limit) return all;
  return Array.from({ length: limit }, (_, k) => all[Math.floor(((k + 0.5) * all.length) / limit)]!);
}

/** R1@0.5 of a constant span (fractions of each video's duration) on these items. */
export function constantSpanR1At05(
  items: readonly WhenValidationItem[],
  span: { readonly start: number; readonly end: number },
): number {
  const hits = items.filter(({ video, item }) => {
    const d = video.truth.durationSeconds;
    return charadesIoU([item.span[0], item.span[1]], [span.start * d, span.end * d]) >= 0.5;
  }).length;
  return hits / Math.max(items.length, 1);
}

/** Greedy When answers on `whenValidationItems(videos, limit)`. */
export async function validateWhen(
  trainer: JointTrainer,
  videos: readonly PreparedVideo[],
  limit: number,
): Promise<WhenValidation> {
  const { tokenizer, layout, model, config } = trainer;
  const stop = tokenizer.specialTokenIds().turnEnd;
  const ious: number[] = [];
  const headIous: number[] = [];
  const answers = new Set<string>();
  let unparsed = 0;
  for (const { video, item } of whenValidationItems(videos, limit)) {
    const timeline = video.timeline!;
    const visual = videoVisualTokens(model, video);
    const prompt = layout.build({
      fastFrames: timeline,
      slowFrames: video.slowKeyframes,
      question: fillTaskPrompt(config.prompts.temporal, { question: item.question ?? '' }),
    });
    const result = await generate(model, {
      prompt,
      visualTokens: visual,
      maxNewTokens: 16,
      stopTokenIds: [stop],
      decode: (ids) => tokenizer.decode(ids, { skipSpecialTokens: true }),
    });
    if (trainer.spanHead) {
      const span = spanFromHead(trainer.spanHead, model, prompt, visual, trainer.frameReadout);
      const seconds = timeline.secondsOfFrameIdSpan(span);
      headIous.push(charadesIoU([item.span[0], item.span[1]], [seconds.startSeconds, seconds.endSeconds]));
    }
    visual.dispose();
    result.segEmbeddings.dispose();
    result.segHiddenStates.dispose();
    answers.add(result.text);
    const parsed = parseTemporalGrounding(result.text, { timeline });
    if (!parsed.ok) {
      unparsed++;
      ious.push(0);
      continue;
    }
    const span = timeline.secondsOfFrameIdSpan(parsed.value);
    ious.push(charadesIoU([item.span[0], item.span[1]], [span.startSeconds, span.endSeconds]));
  }
  const n = Math.max(ious.length, 1);
  return {
    items: ious.length,
    r1At05: ious.filter((x) => x >= 0.5).length / n,
    mIoU: ious.reduce((a, b) => a + b, 0) / n,
    unparsed,
    distinctAnswers: answers.size,
    spanHeadR1At05: trainer.spanHead ? headIous.filter((x) => x >= 0.5).length / n : null,
  };
}

/**
 * The longest run of frames the span head puts inside the asked span (its most likely frame if none),
 * read where the readout reads it ('both': at the ids, where the text answer has to find it).
 */
function spanFromHead(
  head: FrameEventHead,
  model: JointTrainer['model'],
  prompt: SlowFastPrompt,
  visual: tf.Tensor,
  readout: FrameReadout,
): { startFrameId: number; endFrameId: number } {
  const inside = tf.tidy(() => {
    const out = model.forward({ sequence: prompt, visualTokens: visual });
    const D = out.hidden.shape[2] as number;
    const rows = gatherRows(
      out.hidden.reshape([-1, D]),
      tf.tensor1d(frameReadPositionsOf(prompt, readout === 'both' ? 'frame-id' : readout), 'int32'),
    );
    return head.apply(rows).slice([0, 0], [-1, 1]).reshape([-1]);
  });
  const logits = Array.from(inside.dataSync());
  inside.dispose();
  return longestMarkedRun(logits);
}

/**
 * The span a per-frame "inside" head marks: the longest run of positive logits (the first on ties),
 * or the single most likely frame when none is positive.
 */
export function longestMarkedRun(logits: readonly number[]): { startFrameId: number; endFrameId: number } {
  let best: { startFrameId: number; endFrameId: number } | null = null;
  let runStart = -1;
  for (let t = 0; t <= logits.length; t++) {
    const on = t < logits.length && (logits[t] as number) > 0;
    if (on && runStart < 0) runStart = t;
    if (!on && runStart >= 0) {
      if (!best || t - 1 - runStart > best.endFrameId - best.startFrameId) {
        best = { startFrameId: runStart, endFrameId: t - 1 };
      }
      runStart = -1;
    }
  }
  const peak = logits.indexOf(Math.max(...logits));
  return best ?? { startFrameId: peak, endFrameId: peak };
}

/**
 * The best constant span (fractions of the video's duration) on a set of When items, searched on a
 * 0.02 grid: the prior a model gets for free. Returns the span and its R1@0.5 on those items.
 */
export function bestConstantSpan(
  items: readonly { span: readonly [number, number]; durationSeconds: number }[],
): { start: number; end: number; r1At05: number; mIoU: number } {
  let best = { start: 0, end: 1, r1At05: -1, mIoU: 0 };
  for (let a = 0; a < 50; a++) {
    for (let b = a + 1; b <= 50; b++) {
      let hits = 0;
      let sum = 0;
      for (const it of items) {
        const iou = charadesIoU(
          [it.span[0], it.span[1]],
          [(a / 50) * it.durationSeconds, (b / 50) * it.durationSeconds],
        );
        sum += iou;
        if (iou >= 0.5) hits++;
      }
      const r1 = hits / Math.max(items.length, 1);
      if (r1 > best.r1At05)
        best = { start: a / 50, end: b / 50, r1At05: r1, mIoU: sum / Math.max(items.length, 1) };
    }
  }
  return best;
}
