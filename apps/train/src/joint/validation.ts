import { fillTaskPrompt, generate } from '@videoloom/llm-core';
import { charadesIoU } from '@videoloom/metrics';
import { parseTemporalGrounding } from '@videoloom/slowfast';
import { videoVisualTokens } from './joint-loss.js';
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
}

/** Greedy When answers for up to `limit` val items (the first When item of each video, then the next...). */
export async function validateWhen(
  trainer: JointTrainer,
  videos: readonly PreparedVideo[],
  limit: number,
): Promise<WhenValidation> {
  const { tokenizer, layout, model, config } = trainer;
  const stop = tokenizer.specialTokenIds().turnEnd;
  const ious: number[] = [];
  let unparsed = 0;
  const queue = videos.flatMap((video) =>
    video.items
      .filter((i) => i.task === 'when')
      .slice(0, 2)
      .map((item) => ({ video, item })),
  );
  for (const { video, item } of queue.slice(0, limit)) {
    const timeline = video.timeline;
    if (!timeline || !item.span) continue;
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
    visual.dispose();
    result.segEmbeddings.dispose();
    result.segHiddenStates.dispose();
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
  };
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
