import { describe, expect, it } from 'vitest';
import { CHARACTER_COLORS, describeAppearance } from './appearance.js';
import { generateDistractorWhereQuestions, generateQuestions } from './questions.js';
import { renderFrame } from './render.js';
import { generateScenario, type SynthScenario } from './scenario.js';
import { SYNTH_SPLITS, splitSeeds } from './splits.js';
import { videoTruth } from './truth.js';

const SEEDS = Array.from({ length: 40 }, (_, i) => 7919 * i + 13);

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (const v of mask) n += v;
  return n;
}

describe('LoomBench-Synth scenarios (property tests over 40 seeds)', () => {
  it('are deterministic per seed, down to the pixels', () => {
    const a = generateScenario(42);
    const b = generateScenario(42);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(renderFrame(a, 5).rgb).toEqual(renderFrame(b, 5).rgb);
    expect(JSON.stringify(generateScenario(43))).not.toBe(JSON.stringify(a));
  });

  it('generate for every one of the first 2000 seeds of each split', () => {
    for (const split of ['train', 'val', 'test'] as const) {
      for (const seed of splitSeeds(split, 2000))
        expect(generateScenario(seed).frameCount).toBeGreaterThan(0);
    }
  });

  it.each(SEEDS)(
    'seed %i: shots tile the video, main segments tile its shots, actions are unique',
    (seed) => {
      const s = generateScenario(seed);
      expect(s.shots.length).toBeGreaterThanOrEqual(2);
      expect(s.shots.length).toBeLessThanOrEqual(6);
      expect(s.shots[0]!.startFrame).toBe(0);
      s.shots.forEach((shot, i) => {
        if (i > 0) expect(shot.startFrame).toBe(s.shots[i - 1]!.endFrame);
        if (shot.mainSegments.length > 0) {
          expect(shot.mainSegments[0]!.startFrame).toBe(shot.startFrame);
          expect(shot.mainSegments.at(-1)!.endFrame).toBe(shot.endFrame);
          for (const seg of shot.mainSegments)
            expect(seg.endFrame - seg.startFrame).toBeGreaterThanOrEqual(s.world.minSegmentFrames);
        }
      });
      expect(s.shots.at(-1)!.endFrame).toBe(s.frameCount);
      expect(s.shots.some((shot) => shot.mainSegments.length > 0)).toBe(true);
      const actions = s.shots.flatMap((shot) => shot.mainSegments.map((seg) => seg.action));
      expect(new Set(actions).size).toBe(actions.length);
      for (const d of s.distractors) expect(describeAppearance(d)).not.toBe(s.mainDescription);
    },
  );

  it.each(SEEDS.slice(0, 12))('seed %i: cuts are visible, frames inside a shot change little', (seed) => {
    const s = generateScenario(seed);
    for (let i = 1; i < s.shots.length; i++) {
      const cut = s.shots[i]!.startFrame;
      expect(meanAbsDiff(renderFrame(s, cut - 1).rgb, renderFrame(s, cut).rgb)).toBeGreaterThan(15);
    }
    for (const shot of s.shots) {
      expect(
        meanAbsDiff(renderFrame(s, shot.startFrame).rgb, renderFrame(s, shot.startFrame + 1).rgb),
      ).toBeLessThan(8);
    }
  });

  it.each(SEEDS.slice(0, 12))(
    'seed %i: the mask marks exactly the main character and only where it is',
    (seed) => {
      const s: SynthScenario = generateScenario(seed);
      const color = CHARACTER_COLORS[s.main.color];
      for (const shot of s.shots) {
        for (let f = shot.startFrame; f < shot.endFrame; f += 3) {
          const frame = renderFrame(s, f);
          const segment = shot.mainSegments.find((seg) => f >= seg.startFrame && f < seg.endFrame);
          if (!segment) {
            expect(maskArea(frame.mainMask)).toBe(0);
            continue;
          }
          const u = (f - segment.startFrame) / Math.max(1, segment.endFrame - segment.startFrame - 1);
          const hidden =
            (segment.action === 'appears' && u < 1 / 3) || (segment.action === 'leaves' && u >= 2 / 3);
          if (hidden) {
            expect(maskArea(frame.mainMask)).toBe(0);
            continue;
          }
          if (segment.action !== 'leaves') expect(maskArea(frame.mainMask)).toBeGreaterThan(20);
          for (let p = 0; p < frame.mainMask.length; p++) {
            if (!frame.mainMask[p]) continue;
            // Full colour or the pattern's 0.45 shade, channel by channel.
            const r = frame.rgb[p * 3]!;
            expect(r === color[0] || r === Math.round(color[0] * 0.45)).toBe(true);
          }
        }
      }
    },
  );

  it.each(SEEDS.slice(12, 24))(
    "seed %i: each distractor's mask marks its visible pixels, in its colour, apart from the others'",
    (seed) => {
      const s: SynthScenario = generateScenario(seed);
      let seen = 0;
      for (const shot of s.shots) {
        for (let f = shot.startFrame; f < shot.endFrame; f += 3) {
          const frame = renderFrame(s, f);
          expect(frame.distractorMasks).toHaveLength(s.distractors.length);
          frame.distractorMasks.forEach((mask, d) => {
            const inSegment = shot.distractorSegments[d]!.some(
              (seg) => f >= seg.startFrame && f < seg.endFrame,
            );
            if (!inSegment) expect(maskArea(mask)).toBe(0);
            seen += maskArea(mask);
            const color = CHARACTER_COLORS[s.distractors[d]!.color];
            for (let p = 0; p < mask.length; p++) {
              if (!mask[p]) continue;
              expect(frame.mainMask[p]).toBe(0);
              for (const [other, otherMask] of frame.distractorMasks.entries())
                if (other !== d) expect(otherMask[p]).toBe(0);
              const g = frame.rgb[p * 3 + 1]!;
              expect(g === color[1] || g === Math.round(color[1] * 0.45)).toBe(true);
            }
          });
        }
      }
      if (s.distractors.length > 0) expect(seen).toBeGreaterThan(0);
    },
  );
});

describe('LoomBench-Synth truth and questions', () => {
  it("asks Where about each distractor's segments by its own description, and renders its answer", () => {
    let asked = 0;
    for (const seed of SEEDS) {
      const s = generateScenario(seed);
      const questions = generateDistractorWhereQuestions(s);
      const segmentCount = s.shots.reduce(
        (n, shot) => n + shot.distractorSegments.reduce((m, segments) => m + segments.length, 0),
        0,
      );
      expect(questions).toHaveLength(segmentCount);
      expect(new Set(questions.map((q) => q.questionId)).size).toBe(questions.length);
      for (const q of questions) {
        const who = describeAppearance(s.distractors[q.distractorIndex]!);
        expect(q.question).toContain(who);
        expect(q.question).not.toContain(s.mainDescription);
        expect(q.span.startSeconds).toBeCloseTo(q.startFrame / s.world.fps, 9);
        // The character is on screen for part of its segment (it may be hidden while it appears or
        // leaves, or behind the main character).
        let visible = 0;
        for (let f = q.startFrame; f < q.endFrame; f++)
          if (renderFrame(s, f).distractorMasks[q.distractorIndex]!.some((v) => v === 1)) visible++;
        expect(visible).toBeGreaterThan(0);
      }
      asked += questions.length;
    }
    expect(asked).toBeGreaterThan(10);
  });

  it('gives When / Where / Combined per main action, with timestamps only in Where', () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const s = generateScenario(seed);
      const truth = videoTruth(s);
      const questions = generateQuestions(s);
      const segments = truth.shots.flatMap((shot) => shot.descriptions);
      expect(questions).toHaveLength(segments.length * 3);
      for (const q of questions) {
        expect(q.question).toContain(s.mainDescription);
        const segment = segments.find((d) => d.startFrame === q.startFrame)!;
        expect(q.span).toEqual({ startSeconds: segment.startSeconds, endSeconds: segment.endSeconds });
        if (q.type === 'where') expect(q.question).toContain(`${q.span.startSeconds.toFixed(2)}s`);
        else expect(q.question).not.toMatch(/\d/);
        // "does the ... <verb>": the base form ("When does it move", never "does it moves").
        if (/\bdoes the\b/.test(q.question)) {
          expect(q.question).not.toMatch(
            /\b(moves|slides|rises|sinks|jumps|hops|spins|turns|grows|gets|shrinks|stands|stays|appears|shows|leaves|exits)\b/,
          );
        }
      }
      expect(new Set(questions.map((q) => q.questionId)).size).toBe(questions.length);
    }
  });

  it('describes each action as LoomData does, with spans in seconds', () => {
    const s = generateScenario(5);
    const truth = videoTruth(s);
    expect(truth.durationSeconds).toBe(s.frameCount / s.world.fps);
    const d = truth.shots.find((shot) => shot.mainPresent)!.descriptions[0]!;
    expect(d.text.startsWith(`The ${s.mainDescription} `)).toBe(true);
    expect(d.startSeconds).toBe(d.startFrame / s.world.fps);
  });

  it('keeps the splits apart', () => {
    const train = new Set(splitSeeds('train', 500));
    for (const seed of splitSeeds('test', 500)) expect(train.has(seed)).toBe(false);
    expect(splitSeeds('test', 2)).toEqual([SYNTH_SPLITS.test.firstSeed, SYNTH_SPLITS.test.firstSeed + 1]);
    expect(() => splitSeeds('val', -1)).toThrow(RangeError);
  });
});
