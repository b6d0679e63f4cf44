import { describe, expect, it } from 'vitest';
import { SamplingPolicyError } from './sampling-error.js';
import { SAMPLING_PRESETS, uniformFrameIndices } from './sampling-policy.js';
import { fastFrameIndices, planSlowFastSample, slowKeyframes, type VideoTiming } from './slowfast-sampler.js';

/** Timing of a constant-rate video: frame i at i * ticksPerFrame in time base 1/timeScale. */
function cfrTiming(frameCount: number, ticksPerFrame: number, timeScale: number): VideoTiming {
  const framePts = Float64Array.from({ length: frameCount }, (_, i) => i * ticksPerFrame);
  const duration = { numerator: frameCount * ticksPerFrame, denominator: timeScale };
  return {
    path: 'synthetic.mp4',
    frameCount,
    framePts,
    timeBase: { numerator: 1, denominator: timeScale },
    duration,
    durationSeconds: duration.numerator / duration.denominator,
  };
}

const ntsc300 = cfrTiming(300, 1001, 30000); // 02_cups-like: 300 frames at 29.97 fps

describe('fast frames', () => {
  it("follow Sa2VA's uniform rule idx_j = min(floor(j L / N), L - 1)", () => {
    const indices = uniformFrameIndices(300, 128);
    expect(indices).toHaveLength(128);
    for (const [j, idx] of indices.entries()) expect(idx).toBe(Math.floor((j * 300) / 128));
    expect(indices[127]).toBe(297);
    expect(new Set(indices).size).toBe(128);
    expect(uniformFrameIndices(40, 64)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('has the appendix B.2 presets', () => {
    expect(SAMPLING_PRESETS['charades-sta']).toEqual({ kind: 'uniform', frameCount: 64 });
    expect(SAMPLING_PRESETS.youcook2).toEqual({ kind: 'uniform', frameCount: 128 });
    expect(SAMPLING_PRESETS.qvhighlights).toMatchObject({ kind: 'rate', framesPerSecond: 0.5 });
    expect(SAMPLING_PRESETS['qvhighlights-2fps']).toMatchObject({ kind: 'rate', framesPerSecond: 2 });
    expect(SAMPLING_PRESETS.spatial).toEqual({ kind: 'uniform', frameCount: 64 });
    expect(fastFrameIndices(ntsc300, 'charades-sta').frameIndices).toHaveLength(64);
  });

  it('QVHighlights: 75 frames for a 150 s video, frame id j on screen at 2j seconds', () => {
    const video = cfrTiming(4496, 1001, 30000); // 150.02 s at 29.97 fps
    const { frameIndices, appliedPolicy } = fastFrameIndices(video, 'qvhighlights');
    expect(appliedPolicy.kind).toBe('rate');
    expect(frameIndices).toHaveLength(76);
    frameIndices.forEach((idx, j) => {
      expect((idx * 1001) / 30000).toBeLessThanOrEqual(2 * j + 1e-9);
      expect(((idx + 1) * 1001) / 30000).toBeGreaterThan(2 * j);
    });
  });

  it('a literal 2 FPS rate: frame id j is the frame on screen at j / 2 seconds', () => {
    const video = cfrTiming(1800, 1001, 30000); // 60.06 s
    const { frameIndices, appliedPolicy } = fastFrameIndices(video, 'qvhighlights-2fps');
    expect(appliedPolicy.kind).toBe('rate');
    expect(frameIndices).toHaveLength(121);
    frameIndices.forEach((idx, j) => {
      expect((idx * 1001) / 30000).toBeLessThanOrEqual(j / 2 + 1e-9);
      expect(((idx + 1) * 1001) / 30000).toBeGreaterThan(j / 2);
    });
  });

  it('a rate that would exceed 128 frames falls back to 128 uniform frames', () => {
    const long = cfrTiming(30 * 600, 1, 30); // 10 minutes
    const { frameIndices, appliedPolicy } = fastFrameIndices(long, 'qvhighlights');
    expect(appliedPolicy).toEqual({ kind: 'uniform', frameCount: 128 });
    expect(frameIndices).toHaveLength(128);
  });

  it('rejects bad policies with a typed error', () => {
    for (const policy of [
      { kind: 'uniform', frameCount: 0 },
      { kind: 'uniform', frameCount: 129 },
      { kind: 'rate', framesPerSecond: 0 },
      { kind: 'rate', framesPerSecond: 2, maxFrames: 500 },
    ] as const) {
      expect(() => fastFrameIndices(ntsc300, policy)).toThrow(SamplingPolicyError);
    }
    expect(() => fastFrameIndices(ntsc300, 'nope' as never)).toThrow(SamplingPolicyError);
  });
});

describe('slow keyframes', () => {
  it('default: 5 at the centres of 5 equal parts of the video', () => {
    const keys = slowKeyframes(ntsc300);
    expect(keys.map((k) => k.frameIndex)).toEqual([30, 90, 150, 210, 270]);
    expect(keys.map((k) => k.keyframeId)).toEqual([0, 1, 2, 3, 4]);
    expect(keys[2]!.pts).toEqual({ numerator: 150 * 1001, denominator: 30000 });
  });

  it('inside a span: every keyframe lies in [start, end)', () => {
    const span = { startSeconds: 2.5, endSeconds: 4.0 };
    const keys = slowKeyframes(ntsc300, 5, span);
    expect(keys).toHaveLength(5);
    for (const k of keys) {
      // the frame on screen at the start may begin a little before it
      expect(k.timeSeconds).toBeGreaterThan(span.startSeconds - 1001 / 30000);
      expect(k.timeSeconds).toBeLessThan(span.endSeconds);
    }
    const tiny = slowKeyframes(ntsc300, 5, { startSeconds: 1.0, endSeconds: 1.05 });
    expect(tiny.map((k) => k.frameIndex)).toEqual([29, 30, 31]);
    expect(() => slowKeyframes(ntsc300, 5, { startSeconds: 5, endSeconds: 4 })).toThrow(SamplingPolicyError);
    expect(() => slowKeyframes(ntsc300, 0)).toThrow(SamplingPolicyError);
  });
});

describe('planSlowFastSample', () => {
  it('builds a FrameTimeline whose ids, indices and exact times agree', () => {
    const { timeline, slowKeyframes: keys } = planSlowFastSample(ntsc300);
    expect(timeline.length).toBe(128);
    expect(timeline.videoEndSeconds).toBeCloseTo(10.01, 12);
    timeline.frames.forEach((f, j) => {
      expect(f.frameId).toBe(j);
      expect(f.pts).toEqual({ numerator: f.frameIndex * 1001, denominator: 30000 });
      expect(f.timeSeconds).toBe((f.frameIndex * 1001) / 30000);
    });
    // the last sampled frame of 02_cups-like timing: index 297 at 9.90990 s
    expect(timeline.frames[127]!.frameIndex).toBe(297);
    expect(keys).toHaveLength(5);
  });

  it('measures times from the first frame when the stream does not start at 0', () => {
    const shifted = { ...ntsc300, framePts: ntsc300.framePts.map((p) => p + 9009) };
    const { timeline } = planSlowFastSample(shifted, { fast: { kind: 'uniform', frameCount: 4 } });
    expect(timeline.frames.map((f) => f.timeSeconds)).toEqual(
      [0, 75, 150, 225].map((i) => (i * 1001) / 30000),
    );
  });
});
