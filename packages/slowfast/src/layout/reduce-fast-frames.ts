import { FrameTimeline } from '../timeline/frame-timeline.js';

/**
 * The documented Nf-reduction rule: keep `count` of the fast frames, spread uniformly over the ones
 * sampled — kept frame k is the old frame `floor(k · Nf / count)` (the same rule the sampler uses on
 * the video) — and renumber their frame ids 0..count-1. The video end is unchanged, so the kept frames'
 * intervals still tile the whole video. Answers must then be read with the returned timeline.
 */
export function reduceFastFrames(timeline: FrameTimeline, count: number): FrameTimeline {
  const n = timeline.length;
  if (count >= n) return timeline;
  const kept = Array.from({ length: Math.max(count, 1) }, (_, k) => {
    const frame = timeline.frames[Math.floor((k * n) / count)]!;
    return { ...frame, frameId: k };
  });
  return new FrameTimeline(kept, timeline.videoEndSeconds);
}
