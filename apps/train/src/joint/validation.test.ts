import { describe, expect, it } from 'vitest';
import type { PreparedVideo } from './synth-videos.js';
import { constantSpanR1At05, whenValidationItems } from './validation.js';

/** A video of `items` When items, item k spanning [k, k + 1] seconds of a `items`-second video. */
function video(id: string, items: number): PreparedVideo {
  return {
    videoId: id,
    timeline: {},
    truth: { durationSeconds: items },
    items: Array.from({ length: items }, (_, k) => ({ id: `${id}-${k}`, task: 'when', span: [k, k + 1] })),
  } as unknown as PreparedVideo;
}

describe('When validation items', () => {
  const videos = [video('a', 6), video('b', 6), video('c', 6)];

  it('spreads over every part of the videos, not just their openings', () => {
    const picked = whenValidationItems(videos, 6).map(({ item }) => item.id);
    expect(picked).toEqual(['a-1', 'a-4', 'b-1', 'b-4', 'c-1', 'c-4']);
    expect(whenValidationItems(videos, 100)).toHaveLength(18);
  });

  it('scores the constant-span baseline on exactly those items', () => {
    const items = whenValidationItems(videos, 6);
    // [1/6, 2/6] of a 6 s video is [1, 2] s: the "-1" items only.
    expect(constantSpanR1At05(items, { start: 1 / 6, end: 2 / 6 })).toBeCloseTo(3 / 6);
    expect(constantSpanR1At05(items, { start: 0, end: 1 / 6 })).toBe(0);
  });
});
