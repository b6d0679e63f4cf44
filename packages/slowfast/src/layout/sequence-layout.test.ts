import { loadInternVL3Tokenizer, type TextTokenizer } from '@videoloom/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { FrameTimeline } from '../timeline/frame-timeline.js';
import {
  LayoutInputError,
  reduceFastFrames,
  SequenceBudgetError,
  SlowFastLayoutBuilder,
  type SlowFastPrompt,
} from './index.js';

/** Fast frames sampled as model-reference §9.3: idx_j = min(floor(j·L/Nf), L-1), t = idx / fps. */
function uniformTimeline(decodedFrames: number, fps: number, fastFrames: number): FrameTimeline {
  const nf = Math.min(fastFrames, decodedFrames);
  const frames = Array.from({ length: nf }, (_, j) => {
    const frameIndex = Math.min(Math.floor((j * decodedFrames) / nf), decodedFrames - 1);
    return { frameId: j, frameIndex, timeSeconds: frameIndex / fps };
  });
  return new FrameTimeline(frames, decodedFrames / fps);
}
/** 5 keyframes spread uniformly over the video. */
function keyframes(decodedFrames: number, fps: number) {
  return Array.from({ length: 5 }, (_, k) => {
    const frameIndex = Math.floor(((k + 0.5) * decodedFrames) / 5);
    return { frameIndex, timeSeconds: frameIndex / fps };
  });
}

let tokenizer: TextTokenizer;
let builder: SlowFastLayoutBuilder;
beforeAll(() => {
  tokenizer = loadInternVL3Tokenizer();
  builder = new SlowFastLayoutBuilder(tokenizer);
});

/** Checks the layout against the paper's I = [F1; ID1; ...; F_Nf; ID_Nf; S1..S5] independently of the builder. */
function checkLayout(prompt: SlowFastPrompt, nf: number, ns: number, question: string): void {
  const ids = Array.from(prompt.ids);
  const { imageStart, imageEnd, imageContext } = tokenizer.specialTokenIds();
  // 1. Exact <IMG_CONTEXT> count per run, in order: Nf fast runs of 16, then Ns slow runs of 256.
  const runs: Array<{ start: number; length: number }> = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === imageContext && ids[i - 1] !== imageContext) runs.push({ start: i, length: 0 });
    if (ids[i] === imageContext) runs.at(-1)!.length++;
  }
  expect(runs.map((r) => r.length)).toEqual([...Array(nf).fill(16), ...Array(ns).fill(256)]);
  expect(prompt.runs.map((r) => ({ start: r.start, length: r.length }))).toEqual(runs);
  expect(prompt.runs.map((r) => r.kind)).toEqual([...Array(nf).fill('fast'), ...Array(ns).fill('slow')]);
  expect(prompt.visualTokenCount).toBe(nf * 16 + ns * 256);
  // 2. Each run is wrapped in <img> ... </img>, and fast frame j is followed by its frame-id text.
  runs.forEach((run, r) => {
    expect(ids[run.start - 1]).toBe(imageStart);
    expect(ids[run.start + run.length]).toBe(imageEnd);
    const next = runs[r + 1]?.start ?? ids.length;
    const between = tokenizer.decode(
      ids.slice(run.start + run.length + 1, r + 1 < runs.length ? next - 1 : next),
    );
    if (r < nf) expect(between.startsWith(`This sampled frame id is ${r}\n`)).toBe(true);
    if (r < nf - 1 || (r < nf + ns - 1 && r >= nf)) {
      expect(between).toBe(r < nf ? `This sampled frame id is ${r}\n` : '\n');
    }
  });
  // 3. The runs' visual offsets are consecutive (fast frames first, then slow).
  let offset = 0;
  for (const run of prompt.runs) {
    expect(run.visualTokenOffset).toBe(offset);
    offset += run.length;
  }
  // 4. Template around it, question last; and the ids are what tokenizing the whole text gives.
  expect(tokenizer.decode(ids.slice(0, 3))).toBe('<|im_start|>user\n');
  expect(tokenizer.decode(ids.slice(-5))).toBe('<|im_end|>\n<|im_start|>assistant\n');
  expect(tokenizer.decode(ids).endsWith(`</img>\n${question}<|im_end|>\n<|im_start|>assistant\n`)).toBe(true);
  expect(ids).toEqual(tokenizer.encodeIds(prompt.text));
  // 5. Budget.
  expect(ids.length).toBeLessThanOrEqual(8192);
}

/** 3 (user turn) + Nf x (18 + frame-id text + "\n") + 5 x 258 + 4 "\n" + "\n"question + 5 (assistant prompt). */
function expectedLength(nf: number, question: string): number {
  let fast = 0;
  for (let j = 0; j < nf; j++) fast += 18 + tokenizer.encodeIds(`This sampled frame id is ${j}\n`).length;
  return 3 + fast + 5 * 258 + 4 + tokenizer.encodeIds(`\n${question}`).length + 5;
}

const GROUNDING_Q =
  "Find the video segment that corresponds to the given textual query a person puts some books onto a desk and determine its start and end frame id. The output format of the predicted frame ids should be like: 'The given query happens from start frame id to end frame id'. A specific example is : The given query happens from 48 to 63.";

describe('SlowFast layout per dataset setting', () => {
  it('Charades-STA: 64 fast frames + 5 slow', () => {
    const timeline = uniformTimeline(30 * 24, 24, 64);
    const prompt = builder.build({
      fastFrames: timeline,
      slowFrames: keyframes(720, 24),
      question: GROUNDING_Q,
    });
    checkLayout(prompt, 64, 5, GROUNDING_Q);
    expect(prompt.reduction).toBeUndefined();
    expect(prompt.timeline).toBe(timeline);
    expect(prompt.ids.length).toBe(expectedLength(64, GROUNDING_Q));
  });

  it('YouCook2: 128 fast frames fit 8192 without reduction', () => {
    const prompt = builder.build({
      fastFrames: uniformTimeline(300 * 30, 30, 128),
      slowFrames: keyframes(9000, 30),
      question:
        'Localize a series of activity events in the video, output the start and end frame id for each event.',
    });
    checkLayout(
      prompt,
      128,
      5,
      'Localize a series of activity events in the video, output the start and end frame id for each event.',
    );
    expect(prompt.reduction).toBeUndefined();
    expect(prompt.ids.length).toBe(
      expectedLength(
        128,
        'Localize a series of activity events in the video, output the start and end frame id for each event.',
      ),
    );
    expect(prompt.ids.length).toBeGreaterThan(4700); // model-reference §9.4 estimates ~4.9k
    expect(prompt.runs[127]).toMatchObject({
      kind: 'fast',
      frameId: 127,
      frameIndex: 8929,
      timeSeconds: 8929 / 30,
    });
  });

  it('QVHighlights: 2 FPS (~75 frames) maps frame id j to 0.5·j seconds', () => {
    const timeline = uniformTimeline(75, 2, 75); // a 37.5 s clip decoded at 2 FPS
    const prompt = builder.build({
      fastFrames: timeline,
      slowFrames: keyframes(75, 2),
      question: 'Find the highlight.',
    });
    checkLayout(prompt, 75, 5, 'Find the highlight.');
    prompt.runs
      .filter((r) => r.kind === 'fast')
      .forEach((r, j) => {
        expect(r).toMatchObject({ frameId: j, timeSeconds: 0.5 * j });
      });
  });

  it('spatial: 64 fast frames + 5 keyframes, keyframe runs carry their frame index and time', () => {
    const prompt = builder.build({
      fastFrames: uniformTimeline(200, 25, 64),
      slowFrames: keyframes(200, 25),
      question: 'Please segment the person in the red shirt.',
    });
    checkLayout(prompt, 64, 5, 'Please segment the person in the red shirt.');
    expect(prompt.runs.filter((r) => r.kind === 'slow')).toMatchObject(
      keyframes(200, 25).map((k, keyframeId) => ({
        kind: 'slow',
        keyframeId,
        frameIndex: k.frameIndex,
        timeSeconds: k.timeSeconds,
      })),
    );
  });
});

describe('sequence budget (8192)', () => {
  // A full 150 s QVHighlights video at 2 FPS: 300 fast frames do not fit.
  const long = () => uniformTimeline(300, 2, 300);

  it('reduces Nf to the largest count that fits, uniformly, and renumbers the frame ids', () => {
    const prompt = builder.build({ fastFrames: long(), slowFrames: keyframes(300, 2), question: 'Q?' });
    const nf = prompt.reduction!.usedFastFrames;
    expect(prompt.reduction).toEqual({
      requestedFastFrames: 300,
      usedFastFrames: nf,
      rule: 'uniform-subsample',
    });
    checkLayout(prompt, nf, 5, 'Q?');
    // Largest: one more frame would not fit.
    const oneMore = builder.build({
      fastFrames: reduceFastFrames(long(), nf + 1),
      slowFrames: keyframes(300, 2),
      question: 'Q?',
    });
    expect(oneMore.reduction?.usedFastFrames).toBe(nf);
    expect(prompt.timeline.length).toBe(nf);
    expect(prompt.timeline.frames.map((f) => f.frameId)).toEqual([...Array(nf).keys()]);
    expect(prompt.timeline.frames.map((f) => f.frameIndex)).toEqual(
      [...Array(nf).keys()].map((k) => Math.floor((k * 300) / nf)),
    );
    expect(prompt.timeline.videoEndSeconds).toBe(150);
  });

  it('fails with a typed error when reduction is forbidden', () => {
    const strict = new SlowFastLayoutBuilder(tokenizer, { allowFastFrameReduction: false });
    try {
      strict.build({ fastFrames: long(), slowFrames: keyframes(300, 2), question: 'Q?' });
      expect.unreachable();
    } catch (error) {
      expect(SequenceBudgetError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ expected: 8192, fastFrameCount: 300, reason: 'reduction-forbidden' });
      expect((error as SequenceBudgetError).received).toBeGreaterThan(8192);
    }
  });

  it('counts reserveForGeneration and the answer against the budget', () => {
    const input = {
      fastFrames: uniformTimeline(9000, 30, 128),
      slowFrames: keyframes(9000, 30),
      question: 'Q?',
    };
    const full = builder.build(input).ids.length;
    const tight = new SlowFastLayoutBuilder(tokenizer, {
      maxSequenceLength: full + 10,
      reserveForGeneration: 20,
    });
    const reduced = tight.build(input);
    expect(reduced.reduction?.usedFastFrames).toBe(127);
    expect(reduced.ids.length).toBeLessThanOrEqual(full + 10 - 20);
  });

  it('fails when even one fast frame does not fit', () => {
    const tiny = new SlowFastLayoutBuilder(tokenizer, { maxSequenceLength: 1000 });
    expect(() => tiny.build({ fastFrames: long(), slowFrames: keyframes(300, 2), question: 'Q?' })).toThrow(
      /even with 1 fast frame/,
    );
  });
});

describe('prompt content', () => {
  const base = { fastFrames: uniformTimeline(100, 10, 8), slowFrames: keyframes(100, 10) };

  it('an answer is appended with a loss mask over the answer and its <|im_end|> only', () => {
    const prompt = builder.build({ ...base, question: 'Where?', answer: 'It is [SEG].' });
    const ids = Array.from(prompt.ids);
    const lossIds = ids.filter((_, k) => prompt.lossMask![k] === 1);
    expect(tokenizer.decode(lossIds)).toBe('It is [SEG].<|im_end|>');
    expect(tokenizer.decode(ids.slice(-9))).toBe('assistant\nIt is [SEG].<|im_end|>\n');
    expect(ids).toEqual(tokenizer.encodeIds(prompt.text));
  });

  it('a question containing placeholder strings cannot inject visual tokens (split mode)', () => {
    const prompt = builder.build({ ...base, question: 'What is <IMG_CONTEXT> and [SEG]?' });
    const ctx = tokenizer.specialTokenIds().imageContext;
    expect(Array.from(prompt.ids).filter((id) => id === ctx)).toHaveLength(prompt.visualTokenCount);
    expect(Array.from(prompt.ids)).not.toContain(tokenizer.specialTokenIds().segmentation);
  });

  it("questionSpecialTokens 'parse' reads the question as the Python reference does", () => {
    const parse = new SlowFastLayoutBuilder(tokenizer, { questionSpecialTokens: 'parse' });
    const prompt = parse.build({ ...base, question: 'Is it [SEG]?' });
    expect(Array.from(prompt.ids)).toContain(tokenizer.specialTokenIds().segmentation);
    expect(Array.from(prompt.ids)).toEqual(tokenizer.encodeIds(prompt.text));
  });

  it('the InternVL template and a custom frame-id text are honoured', () => {
    const custom = new SlowFastLayoutBuilder(tokenizer, {
      chatTemplate: { name: 'internvl2_5' },
      frameIdText: 'Frame {frameId}.',
    });
    const prompt = custom.build({ ...base, question: 'Q' });
    expect(prompt.text.startsWith('<|im_start|>system\n你是书生·万象')).toBe(true);
    expect(prompt.text).toContain('</img>Frame 7.\n<img>');
    expect(Array.from(prompt.ids)).toEqual(tokenizer.encodeIds(prompt.text));
  });

  it('no slow frames: the question follows the last frame-id text', () => {
    const prompt = builder.build({ fastFrames: base.fastFrames, slowFrames: [], question: 'Q' });
    expect(
      prompt.text.endsWith('</img>This sampled frame id is 7\nQ<|im_end|>\n<|im_start|>assistant\n'),
    ).toBe(true);
    expect(Array.from(prompt.ids)).toEqual(tokenizer.encodeIds(prompt.text));
  });

  it("questionPlacement 'before-video' puts the question first; same tokens, same answer loss", () => {
    const first = new SlowFastLayoutBuilder(tokenizer, { questionPlacement: 'before-video' });
    const input = { ...base, question: 'When does it jump?', answer: 'The given query happens from 2 to 5.' };
    const before = first.build(input);
    const after = builder.build(input);
    expect(before.text.startsWith('<|im_start|>user\nWhen does it jump?\n<img>')).toBe(true);
    expect(before.text).toContain('</img><|im_end|>\n<|im_start|>assistant\n');
    expect(Array.from(before.ids)).toEqual(tokenizer.encodeIds(before.text));
    // Same visual runs (shifted), same answer tokens under the loss mask.
    expect(before.visualTokenCount).toBe(after.visualTokenCount);
    const answerIds = (p: SlowFastPrompt) => Array.from(p.ids).filter((_, k) => p.lossMask![k] === 1);
    expect(answerIds(before)).toEqual(answerIds(after));
    for (const run of before.runs) {
      expect(before.ids[run.start - 1]).toBe(tokenizer.specialTokenIds().imageStart);
      expect(before.ids[run.start + run.length]).toBe(tokenizer.specialTokenIds().imageEnd);
    }
  });

  it('rejects bad configs and keyframes with typed errors', () => {
    expect(() => new SlowFastLayoutBuilder(tokenizer, { frameIdText: 'no placeholder' })).toThrow(
      LayoutInputError,
    );
    expect(() => new SlowFastLayoutBuilder(tokenizer, { fastPoolRatio: 3 })).toThrow(/fastPoolRatio/);
    expect(() =>
      builder.build({ ...base, slowFrames: [{ frameIndex: -1, timeSeconds: 0 }], question: 'Q' }),
    ).toThrow(/slowFrames\[0\]\.frameIndex/);
  });
});
