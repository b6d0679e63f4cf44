import { ACTIONS, CHARACTER_COLORS, generateScenario, poseAt, shotAt } from '@videoloom/data';
import { FrameTimeline, SlowFastLayoutBuilder } from '@videoloom/slowfast';
import { loadTokenizer, tinyTokenizerDir } from '@videoloom/tokenizer';
import { describe, expect, it } from 'vitest';
import { FRAME_EVENT_COUNT, frameEventTargets, frameReadPositionsOf, spanFrameTargets } from './examples.js';
import { TRAINING_PRESETS } from './training-config.js';

describe('frame targets of the auxiliary heads', () => {
  it('span targets: inside covers [A, B], first and last mark A and B only', () => {
    for (const [a, b] of [
      [0, 0],
      [3, 9],
      [10, 15],
    ] as const) {
      const t = spanFrameTargets(16, { startFrameId: a, endFrameId: b });
      const column = (c: number) => Array.from({ length: 16 }, (_, f) => t[f * 3 + c]);
      expect(column(0)).toEqual(Array.from({ length: 16 }, (_, f) => (f >= a && f <= b ? 1 : 0)));
      expect(column(1).flatMap((v, f) => (v ? [f] : []))).toEqual([a]);
      expect(column(2).flatMap((v, f) => (v ? [f] : []))).toEqual([b]);
    }
  });

  it("frame events mark the main character's colour and action on every frame where it is visible", () => {
    const colors = Object.keys(CHARACTER_COLORS);
    const per = colors.length * ACTIONS.length;
    for (const seed of [1, 2, 3]) {
      const scenario = generateScenario(seed);
      const frames = Array.from({ length: 24 }, (_, j) => {
        const frameIndex = Math.floor((j * scenario.frameCount) / 24);
        return { frameId: j, frameIndex, timeSeconds: frameIndex / scenario.world.fps };
      });
      const timeline = new FrameTimeline(frames, scenario.frameCount / scenario.world.fps);
      const targets = frameEventTargets(scenario, timeline);
      expect(targets.length).toBe(24 * FRAME_EVENT_COUNT);
      let previous = -1;
      for (const { frameId, frameIndex } of frames) {
        const segment = shotAt(scenario, frameIndex).mainSegments.find(
          (s) => frameIndex >= s.startFrame && frameIndex < s.endFrame,
        );
        const visible = segment ? poseAt(segment, frameIndex).visible : false;
        const k = segment
          ? colors.indexOf(scenario.main.color) * ACTIONS.length + ACTIONS.indexOf(segment.action)
          : -1;
        if (visible) {
          expect(targets[frameId * FRAME_EVENT_COUNT + k]).toBe(1);
          // "begins" exactly when the previous sampled frame did not show this (colour, action).
          const began = targets[frameId * FRAME_EVENT_COUNT + per + k];
          expect(began).toBe(previous === k ? 0 : 1);
        }
        previous = visible ? k : -1;
      }
    }
  });
});

describe('frameReadPositionsOf', () => {
  const tokenizer = loadTokenizer(tinyTokenizerDir());
  const layout = new SlowFastLayoutBuilder(tokenizer, TRAINING_PRESETS['fast-only'].layout);
  const frames = Array.from({ length: 12 }, (_, j) => ({
    frameId: j,
    frameIndex: 3 * j,
    timeSeconds: j / 4,
  }));
  const prompt = layout.build({
    fastFrames: new FrameTimeline(frames, 3),
    slowFrames: [],
    question: 'When does it spin?',
  });

  it("'visual' reads each fast frame's own visual token, in frame order", () => {
    const positions = frameReadPositionsOf(prompt, 'visual');
    expect(positions).toHaveLength(12);
    for (const p of positions) expect(prompt.ids[p]).toBe(tokenizer.specialTokenIds().imageContext);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("'frame-id' reads the token of each frame's id, two positions after its visual token", () => {
    const ids = frameReadPositionsOf(prompt, 'frame-id');
    expect(ids.map((p) => tokenizer.decode([prompt.ids[p]!]).trim())).toEqual(
      frames.map((f) => `${f.frameId}`),
    );
    expect(ids).toEqual(frameReadPositionsOf(prompt, 'visual').map((p) => p + 2));
  });

  it("'both' reads every visual position, then every id position", () => {
    expect(frameReadPositionsOf(prompt, 'both')).toEqual([
      ...frameReadPositionsOf(prompt, 'visual'),
      ...frameReadPositionsOf(prompt, 'frame-id'),
    ]);
  });
});
