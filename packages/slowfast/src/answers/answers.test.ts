import { loadInternVL3Tokenizer } from '@videoloom/tokenizer';
import { describe, expect, it } from 'vitest';
import { FrameTimeline } from '../timeline/frame-timeline.js';
import {
  AnswerParseError,
  findSegTokens,
  parseAnnotation,
  parseDenseCaptions,
  parseHighlights,
  parseTemporalGrounding,
  renderAnnotation,
  renderDenseCaptions,
  renderHighlights,
  renderSegmentationAnswer,
  renderTemporalGrounding,
} from './index.js';

/** QVHighlights-style timeline: Nf frames at 2 FPS, frame id j <-> 0.5·j s. */
const timeline = (nf: number) =>
  new FrameTimeline(
    Array.from({ length: nf }, (_, j) => ({ frameId: j, frameIndex: j, timeSeconds: j / 2 })),
    nf / 2,
  );

function rng(seed: number) {
  let s = seed >>> 0;
  return {
    next: () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    },
    int(n: number) {
      return Math.floor(this.next() * n);
    },
    pick<T>(items: readonly T[]): T {
      return items[this.int(items.length)]!;
    },
  };
}
const PREFIXES = ['', 'Sure! ', 'Based on the video, ', 'Answer: ', 'I think ', '\n'];
const SUFFIXES = ['', ' Hope this helps.', ' (approximately)', '\n', ' That is my answer'];
const WORDS = [
  'cut',
  'the',
  'onion',
  'into',
  'small',
  'pieces',
  'add',
  'salt',
  'and',
  'stir',
  'person',
  'walks',
  'away',
];
const sentence = (r: ReturnType<typeof rng>) =>
  Array.from({ length: 2 + r.int(8) }, () => r.pick(WORDS)).join(' ');

describe('temporal grounding', () => {
  it('reads the Fig. 9 answers and converts ids to seconds with the FrameTimeline span convention', () => {
    const result = parseTemporalGrounding('The given query happens from 76 to 93.', {
      timeline: timeline(128),
    });
    expect(result).toMatchObject({ ok: true, issues: [] });
    if (!result.ok) return;
    expect(result.value).toEqual({
      startFrameId: 76,
      endFrameId: 93,
      seconds: { startSeconds: 38, endSeconds: 47 },
    });
  });

  it('round-trips and survives fuzzed variants', () => {
    const r = rng(1);
    for (let n = 0; n < 500; n++) {
      const nf = 8 + r.int(120);
      const a = r.int(nf);
      const b = a + r.int(nf - a);
      const plain = renderTemporalGrounding({ startFrameId: a, endFrameId: b });
      expect(parseTemporalGrounding(plain)).toMatchObject({
        ok: true,
        value: { startFrameId: a, endFrameId: b },
        issues: [],
      });
      const variant = r.int(4);
      if (variant === 0) {
        // extra words and case changes
        const text = r.pick(PREFIXES) + (r.int(2) ? plain.toUpperCase() : plain) + r.pick(SUFFIXES);
        expect(parseTemporalGrounding(text)).toMatchObject({
          ok: true,
          value: { startFrameId: a, endFrameId: b },
        });
      } else if (variant === 1 && a !== b) {
        // reversed range: swapped, with an issue
        const res = parseTemporalGrounding(`The given query happens from ${b} to ${a}.`);
        expect(res).toMatchObject({
          ok: true,
          value: { startFrameId: a, endFrameId: b },
          issues: [{ kind: 'reversed-range' }],
        });
      } else if (variant === 2) {
        // out-of-range end id: clamped (or an error on request)
        const over = nf + r.int(50);
        const text = `The given query happens from ${a} to ${over}.`;
        const res = parseTemporalGrounding(text, { timeline: timeline(nf) });
        expect(res).toMatchObject({
          ok: true,
          value: { startFrameId: a, endFrameId: nf - 1 },
          issues: [{ kind: 'frame-id-clamped' }],
        });
        const strict = parseTemporalGrounding(text, { timeline: timeline(nf), outOfRange: 'error' });
        expect(strict.ok ? undefined : strict.error.reason).toBe('frame-id-out-of-range');
      } else {
        // missing parts: a typed error holding the raw text, never a silent empty answer
        const text = r.int(2) ? `The given query happens from ${a}.` : 'The given query happens sometime.';
        const res = parseTemporalGrounding(text);
        expect(res.ok).toBe(false);
        if (!res.ok) {
          expect(AnswerParseError.isInstance(res.error)).toBe(true);
          expect(res.error.rawText).toBe(text);
          expect(['missing-end-frame', 'no-frame-range']).toContain(res.error.reason);
        }
      }
    }
  });

  it('reads "between A and B" and "A - B" when "from" is missing', () => {
    expect(parseTemporalGrounding('It happens between 4 and 9.')).toMatchObject({
      ok: true,
      value: { startFrameId: 4, endFrameId: 9 },
    });
    expect(parseTemporalGrounding('Frames 12 - 20.')).toMatchObject({
      ok: true,
      value: { startFrameId: 12, endFrameId: 20 },
    });
  });
});

describe('dense captioning', () => {
  const FIG9 =
    'From 6 to 31, cut the sashimi into small slices. From 32 to 48, place rice on the sashimi. From 48 to 61, place wasabi on the rice.';

  it('reads the Fig. 9 answer', () => {
    const res = parseDenseCaptions(FIG9, { timeline: timeline(128) });
    expect(res.ok && res.value.map((e) => [e.startFrameId, e.endFrameId, e.description])).toEqual([
      [6, 31, 'cut the sashimi into small slices'],
      [32, 48, 'place rice on the sashimi'],
      [48, 61, 'place wasabi on the rice'],
    ]);
    expect(res.ok && res.value[0]!.seconds).toEqual({ startSeconds: 3, endSeconds: 16 });
  });

  it('round-trips generated event lists and survives fuzzed variants', () => {
    const r = rng(2);
    for (let n = 0; n < 300; n++) {
      const events = Array.from({ length: 1 + r.int(8) }, () => {
        const a = r.int(100);
        return { startFrameId: a, endFrameId: a + r.int(28), description: sentence(r) };
      });
      const text = renderDenseCaptions(events);
      expect(parseDenseCaptions(text)).toMatchObject({ ok: true, value: events, issues: [] });
      const noisy =
        r.pick(PREFIXES) +
        text.replaceAll('From', r.pick(['From', 'from', 'FROM'])) +
        r.pick(SUFFIXES.slice(0, 2));
      const res = parseDenseCaptions(noisy);
      expect(res.ok && res.value.map((e) => [e.startFrameId, e.endFrameId])).toEqual(
        events.map((e) => [e.startFrameId, e.endFrameId]),
      );
      const reversed = renderDenseCaptions(
        events.map((e) => ({ ...e, startFrameId: e.endFrameId, endFrameId: e.startFrameId })),
      );
      const back = parseDenseCaptions(reversed);
      expect(back.ok && back.value.map((e) => e.startFrameId)).toEqual(events.map((e) => e.startFrameId));
    }
  });

  it('missing parts: no events is an error; an empty description is an issue', () => {
    const none = parseDenseCaptions('The video shows cooking.');
    expect(none.ok ? undefined : none.error.reason).toBe('no-events');
    expect(parseDenseCaptions('From 1 to 5, chop. From 6 to 9,')).toMatchObject({
      ok: true,
      issues: [{ kind: 'empty-description', index: 1 }],
    });
  });
});

describe('highlight detection', () => {
  it('reads both Fig. 9 forms, including the model\'s "There are N highlight moments in ..." variant', () => {
    const prompt = parseHighlights(
      'The highlight frame ids are 41, 42, 43, 44. Their saliency scores are 1.3, 1.7, 1.7, 2.3',
      { timeline: timeline(75) },
    );
    expect(prompt.ok && prompt.value).toEqual([
      { frameId: 41, saliency: 1.3, seconds: { startSeconds: 20.5, endSeconds: 21 } },
      { frameId: 42, saliency: 1.7, seconds: { startSeconds: 21, endSeconds: 21.5 } },
      { frameId: 43, saliency: 1.7, seconds: { startSeconds: 21.5, endSeconds: 22 } },
      { frameId: 44, saliency: 2.3, seconds: { startSeconds: 22, endSeconds: 22.5 } },
    ]);
    const model = parseHighlights(
      'There are 11 highlight moments in 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66. Their saliency scores are 3.3, 3.3, 3.3, 3.3, 3.3, 3.3, 3.3, 3.3, 3.3, 3.3, 3.3.',
    );
    expect(model).toMatchObject({ ok: true, issues: [] });
    expect(model.ok && model.value.map((c) => c.frameId)).toEqual([
      56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66,
    ]);
  });

  it('round-trips generated clips and survives fuzzed variants', () => {
    const r = rng(3);
    for (let n = 0; n < 300; n++) {
      const nf = 40 + r.int(80);
      const first = r.int(nf - 20);
      const clips = Array.from({ length: 1 + r.int(15) }, (_, i) => ({
        frameId: first + i,
        saliency: (10 + r.int(41)) / 10,
      }));
      const text = renderHighlights(clips);
      expect(parseHighlights(text)).toMatchObject({ ok: true, value: clips, issues: [] });
      const variant = r.int(4);
      if (variant === 0) {
        const res = parseHighlights(r.pick(PREFIXES) + text + r.pick(SUFFIXES));
        expect(res).toMatchObject({ ok: true, value: clips });
      } else if (variant === 1) {
        // one id past the end: dropped with an issue
        const withOver = [...clips, { frameId: nf + r.int(20), saliency: 2 }];
        const res = parseHighlights(renderHighlights(withOver), { timeline: timeline(nf) });
        expect(res.ok && res.value.map((c) => c.frameId)).toEqual(clips.map((c) => c.frameId));
        expect(res.ok && res.issues.map((i) => i.kind)).toEqual(['frame-id-dropped']);
      } else if (variant === 2) {
        // scores missing: typed error with the raw text
        const cut = text.slice(0, text.indexOf(' Their'));
        const res = parseHighlights(cut);
        expect(res.ok ? undefined : [res.error.reason, res.error.rawText]).toEqual(['missing-scores', cut]);
      } else if (clips.length > 1) {
        // one score short: the pairs that line up are kept, with an issue
        const short = renderHighlights(clips).replace(/, [\d.]+\.$/, '.');
        const res = parseHighlights(short);
        expect(res.ok && res.value).toEqual(clips.slice(0, -1));
        expect(res.ok && res.issues[0]?.kind).toBe('count-mismatch');
      }
    }
  });
});

describe('annotation format (Fig. 11)', () => {
  const EXAMPLE = `from 0 to 23: The person is walking steadily forward, holding a black briefcase in his right hand.

from 24 to 41: The person stops walking and sets the briefcase down on the ground.

from 42 to 57: The person straightens up, picks up the briefcase, and begins walking again.`;

  it('reads the Fig. 11 example: contiguous, no issues', () => {
    const res = parseAnnotation(EXAMPLE, { timeline: timeline(58) });
    expect(res).toMatchObject({ ok: true, issues: [] });
    expect(res.ok && res.value.map((s) => [s.startFrameId, s.endFrameId])).toEqual([
      [0, 23],
      [24, 41],
      [42, 57],
    ]);
    expect(res.ok && res.value[2]!.seconds).toEqual({ startSeconds: 21, endSeconds: 29 });
  });

  it('round-trips generated segmentations; gaps, overlaps and bracketed ids are reported or read', () => {
    const r = rng(4);
    for (let n = 0; n < 300; n++) {
      let next = 0;
      const segments = Array.from({ length: 1 + r.int(6) }, () => {
        const start = next;
        next = start + 13 + r.int(20);
        return { startFrameId: start, endFrameId: next - 1, description: `${sentence(r)}.` };
      });
      const text = renderAnnotation(segments);
      expect(parseAnnotation(text)).toMatchObject({ ok: true, value: segments, issues: [] });
      expect(parseAnnotation(text.replace(/from (\d+) to (\d+)/g, 'from [$1] to [$2]'))).toMatchObject({
        ok: true,
        value: segments,
      });
      if (segments.length > 1) {
        const gapped = renderAnnotation(
          segments.map((s, i) => (i === 1 ? { ...s, startFrameId: s.startFrameId + 2 } : s)),
        );
        expect(parseAnnotation(gapped)).toMatchObject({ ok: true, issues: [{ kind: 'gap', index: 1 }] });
        const overlapped = renderAnnotation(
          segments.map((s, i) => (i === 1 ? { ...s, startFrameId: s.startFrameId - 1 } : s)),
        );
        expect(parseAnnotation(overlapped)).toMatchObject({
          ok: true,
          issues: [{ kind: 'overlap', index: 1 }],
        });
      }
    }
    const none = parseAnnotation('The person walks.');
    expect(none.ok ? undefined : none.error.reason).toBe('no-events');
  });
});

describe('segmentation: [SEG] positions in generated ids', () => {
  const tokenizer = loadInternVL3Tokenizer();
  const segTokenId = tokenizer.specialTokenIds().segmentation;

  it('pairs each [SEG] with the hidden state where it is the input (prompt length + k)', () => {
    for (const objects of [1, 2, 3]) {
      const text = renderSegmentationAnswer(objects);
      const generated = [...tokenizer.encodeIds(text), tokenizer.specialTokenIds().turnEnd];
      const res = findSegTokens({ generatedIds: generated, promptLength: 4000, segTokenId, text });
      expect(res.ok).toBe(true);
      if (!res.ok) continue;
      expect(res.value.segTokens).toHaveLength(objects);
      for (const seg of res.value.segTokens) {
        expect(generated[seg.generatedIndex]).toBe(segTokenId);
        expect(seg.hiddenStateIndex).toBe(4000 + seg.generatedIndex);
      }
    }
    // "It is [SEG]." = It, Ġis, Ġ, [SEG], . -> [SEG] is generated token 3.
    const one = findSegTokens({
      generatedIds: tokenizer.encodeIds('It is [SEG].'),
      promptLength: 10,
      segTokenId,
    });
    expect(one.ok && one.value.segTokens).toEqual([{ generatedIndex: 3, hiddenStateIndex: 13 }]);
  });

  it('a [SEG] that is the last generated token has no state yet: an issue, not a wrong index', () => {
    const res = findSegTokens({
      generatedIds: tokenizer.encodeIds('It is [SEG]'),
      promptLength: 10,
      segTokenId,
    });
    expect(res).toMatchObject({
      ok: true,
      value: { segTokens: [] },
      issues: [{ kind: 'seg-state-missing', index: 3 }],
    });
  });

  it('no [SEG] is a typed error holding the text', () => {
    const text = 'The given query happens from 1 to 2.';
    const res = findSegTokens({ generatedIds: tokenizer.encodeIds(text), promptLength: 0, segTokenId, text });
    expect(res.ok ? undefined : [res.error.reason, res.error.rawText, res.error.name]).toEqual([
      'no-seg-token',
      text,
      'VL_AnswerParseError',
    ]);
  });
});
