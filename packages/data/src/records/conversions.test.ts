import { describe, expect, it } from 'vitest';
import type { CocoRle } from '../character/contracts.js';
import type { LoomDataRecord } from '../pipeline/loomdata-types.js';
import { toReferringVos, toTemporalGrounding } from './conversions.js';

const m = (n: number): CocoRle => ({ size: [2, 2], counts: [n, 4 - n] });
const record: LoomDataRecord = {
  videoId: 'v1',
  video: { path: '/v1.mp4', frameCount: 6, width: 4, height: 4, durationSeconds: 3 },
  shots: [
    { shotIndex: 0, startFrameIndex: 0, endFrameIndex: 4, startSeconds: 0, endSeconds: 2 },
    { shotIndex: 1, startFrameIndex: 4, endFrameIndex: 6, startSeconds: 2, endSeconds: 3 },
  ],
  mainCharacter: { description: 'a person in red', maskWidth: 2, maskHeight: 2 },
  tracklet: [m(0), m(1), m(2), m(3), null, null],
  segments: [
    {
      segmentIndex: 0,
      shotIndices: [0],
      startFrameIndex: 0,
      endFrameIndex: 4,
      startSeconds: 0,
      endSeconds: 2,
      descriptions: [
        {
          startFrameId: 0,
          endFrameId: 1,
          startFrameIndex: 0,
          endFrameIndex: 2,
          startSeconds: 0,
          endSeconds: 1,
          text: 'She waves.',
        },
        {
          startFrameId: 2,
          endFrameId: 3,
          startFrameIndex: 2,
          endFrameIndex: 4,
          startSeconds: 1,
          endSeconds: 2,
          text: 'She sits.',
        },
      ],
    },
  ],
};

describe('conversions', () => {
  it('writes ActivityNet-Captions-style temporal grounding entries', () => {
    expect(toTemporalGrounding([record])).toEqual({
      v1: {
        duration: 3,
        timestamps: [
          [0, 1],
          [1, 2],
        ],
        sentences: ['She waves.', 'She sits.'],
      },
    });
  });

  it('writes MeViS-style expressions with one mask list per expression, cut to each description span', () => {
    const { metaExpressions, maskDict } = toReferringVos([record]);
    const v = metaExpressions.videos.v1!;
    expect(v.frames).toEqual(['00000', '00001', '00002', '00003', '00004', '00005']);
    expect(Object.values(v.expressions).map((e) => e.exp)).toEqual([
      'a person in red',
      'She waves.',
      'She sits.',
    ]);
    expect(maskDict[v.expressions['0']!.anno_id[0]!]).toEqual(record.tracklet);
    expect(maskDict[v.expressions['2']!.anno_id[0]!]).toEqual([null, null, m(2), m(3), null, null]);
  });
});
