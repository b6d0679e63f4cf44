import { describe, expect, it } from 'vitest';
import { InvalidMetricInputError } from '../errors/index.js';
import { numpySum, pyRound } from '../numeric/numpy.js';
import { charadesIoU, scoreCharades } from './charades.js';
import { ciderD } from './cider.js';
import { ptbTokenize, UnsupportedCaptionError } from './ptb-tokenizer.js';
import { highlightAP, type QvhGtItem, queryDetectionAP, scoreQvHighlights } from './qvhighlights.js';
import {
  ciderCaptionScorer,
  type DvcVideo,
  dvcIoU,
  paragraphCider,
  scoreYouCook2,
  sodaDP,
  sodaForVideo,
} from './youcook2.js';

describe('numeric helpers', () => {
  it("pyRound rounds exact binary ties to even like Python's round/format", () => {
    expect(pyRound(12.125, 2)).toBe(12.12); // toFixed gives 12.13
    expect(pyRound(12.375, 2)).toBe(12.38);
    expect(pyRound(0.125, 2)).toBe(0.12);
    expect(pyRound(2.675, 2)).toBe(2.67); // binary value is below the tie
    expect(pyRound(0.25, 1)).toBe(0.2);
    expect(pyRound(0.75, 1)).toBe(0.8);
    expect(pyRound(33.45342799863672, 1)).toBe(33.5);
  });
  it('numpySum uses pairwise summation (differs from a left-to-right sum where numpy does)', () => {
    const xs = [1e16, 1, 1, 1, 1, 1, 1, 1, 1, -1e16, 1, 1];
    let seq = 0;
    for (const x of xs) seq += x;
    // numpy 1.24.2: np.sum(np.array(xs)) == 10.0 (8 accumulators, then the remainder); left-to-right gives 2.0
    expect(numpySum(xs)).toBe(10);
    expect(seq).toBe(2);
  });
});

describe('Charades-STA quirks (eval_tvg.py)', () => {
  it('uses float64 in the official operation order: exact-looking IoUs land just off the threshold', () => {
    expect(charadesIoU([0.1, 0.5], [0.1, 0.3])).toBe(0.49999999999999994);
    expect(charadesIoU([0.3, 1.0], [0.3, 0.79])).toBe(0.7000000000000001);
  });
  it('does not re-order a reversed window (scores 0) and only the first window counts', () => {
    expect(charadesIoU([0, 10], [10, 0])).toBe(0);
    const r = scoreCharades([
      {
        queryId: 1,
        gtWindow: [0, 10],
        predWindows: [
          [20, 30],
          [0, 10],
        ],
      },
      { queryId: 2, gtWindow: [0, 10], predWindows: [] },
    ]);
    expect(r.metrics['R1@0.3']).toBe(0);
    expect(r.metrics.mIoU).toBe(0);
  });
  it('rejects the 0/0 the official script crashes on', () => {
    expect(() => scoreCharades([{ queryId: 7, gtWindow: [5, 5], predWindows: [[5, 5]] }])).toThrow(
      InvalidMetricInputError,
    );
  });
});

describe('QVHighlights quirks (moment_detr)', () => {
  it("HD AP groups tied scores into one threshold (official 0.875, sklearn's AP would be 0.8333)", () => {
    expect(highlightAP([1, 1, 0, 1], [0.9, 0.5, 0.5, 0.5])).toBe(0.875);
    expect(highlightAP([0, 0, 0], [1, 2, 3])).toBe(0);
    expect(highlightAP([1, 1], [0, 0])).toBe(1);
    expect(highlightAP([0, 1, 0, 1], [0.4, 0.3, 0.2, 0.1])).toBeCloseTo((0.5 + 0.5) / 2, 15);
  });
  it('MR AP: a NaN IoU (identical zero-length windows) counts as a match', () => {
    const ap = queryDetectionAP([[5, 5]], [[5, 5, 1]]);
    expect(ap[0]).toBe(1);
  });
  it('MR AP: among tied IoUs the LATER GT window is tried first (reversed stable argsort)', () => {
    // pred1 overlaps both GT windows with IoU exactly 0.6 and takes the later one (B); pred2 then only fits B
    const ap = queryDetectionAP(
      [
        [0, 10],
        [5, 15],
      ],
      [
        [2.5, 12.5, 0.9],
        [5, 15, 0.8],
      ],
    );
    expect(ap[0]).toBe(0.5); // taking A first would give 1
  });
  it('only the first entry decides which task is evaluated', () => {
    const gts: QvhGtItem[] = [
      {
        qid: 1,
        duration: 4,
        relevant_windows: [[0, 4]],
        relevant_clip_ids: [0],
        saliency_scores: [[4, 4, 4]],
      },
      {
        qid: 2,
        duration: 4,
        relevant_windows: [[0, 4]],
        relevant_clip_ids: [0],
        saliency_scores: [[4, 4, 4]],
      },
    ];
    const r = scoreQvHighlights(
      [
        { qid: 1, pred_saliency_scores: [1, 0] },
        { qid: 2, pred_saliency_scores: [1, 0], pred_relevant_windows: [[0, 4, 1]] },
      ],
      gts,
    );
    expect(Object.keys(r.brief).some((k) => k.startsWith('MR-'))).toBe(false);
    expect(r.brief['HL-min-VeryGood-Hit1']).toBe(100);
  });
  it('MR AP: keeps the first 10 windows in LIST order before sorting by score', () => {
    const anchors: QvhGtItem[] = [
      {
        qid: 1,
        duration: 150,
        relevant_windows: [[0, 10]],
        relevant_clip_ids: [0],
        saliency_scores: [[1, 1, 1]],
      },
      {
        qid: 2,
        duration: 150,
        relevant_windows: [[0, 20]],
        relevant_clip_ids: [0],
        saliency_scores: [[1, 1, 1]],
      },
      {
        qid: 3,
        duration: 150,
        relevant_windows: [[0, 40]],
        relevant_clip_ids: [0],
        saliency_scores: [[1, 1, 1]],
      },
    ];
    const junk = Array.from({ length: 10 }, (_, i) => [100 + i, 110 + i, 0.1]);
    const r = scoreQvHighlights(
      [
        { qid: 1, pred_relevant_windows: [...junk, [0, 10, 0.99]] }, // 11th: best score, truncated away
        { qid: 2, pred_relevant_windows: [[0, 20, 1]] },
        { qid: 3, pred_relevant_windows: [[0, 40, 1]] },
      ],
      anchors,
    );
    expect(r.brief['MR-short-mAP']).toBe(0);
    expect(r.brief['MR-middle-mAP']).toBe(100);
    expect(r.brief['MR-full-R1@0.5']).toBe(66.67); // first window in list order, not the best-scored
  });
  it('HIT@1 uses the raw argmax: a clip past the video is a miss; ties pick the lowest index', () => {
    const gts: QvhGtItem[] = [
      {
        qid: 1,
        duration: 4,
        relevant_windows: [[0, 4]],
        relevant_clip_ids: [0, 1],
        saliency_scores: [
          [4, 4, 4],
          [0, 0, 0],
        ],
      },
    ];
    const past = scoreQvHighlights([{ qid: 1, pred_saliency_scores: [0, 0, 5] }], gts);
    expect(past.brief['HL-min-VeryGood-Hit1']).toBe(0);
    const tie = scoreQvHighlights([{ qid: 1, pred_saliency_scores: [1, 1] }], gts);
    expect(tie.brief['HL-min-VeryGood-Hit1']).toBe(100);
  });
  it('requires equal qid sets in exact mode and an evaluable bucket', () => {
    const gts: QvhGtItem[] = [
      {
        qid: 1,
        duration: 4,
        relevant_windows: [[0, 4]],
        relevant_clip_ids: [0],
        saliency_scores: [[4, 4, 4]],
      },
    ];
    expect(() => scoreQvHighlights([{ qid: 2, pred_saliency_scores: [1] }], gts)).toThrow(
      /qids of GT and predictions differ/,
    );
    // only a short window: the middle bucket is empty, which crashes the official code
    expect(() => scoreQvHighlights([{ qid: 1, pred_relevant_windows: [[0, 4, 1]] }], gts)).toThrow(/middle/);
  });
});

describe('YouCook2 quirks (eval_dvc.py)', () => {
  it('IoU re-orders windows and adds 1e-8 to the union, so exact ratios fall just below', () => {
    expect(dvcIoU([10, 0], [0, 10])).toBeCloseTo(1, 8);
    expect(dvcIoU([0, 3], [0, 10])).toBeLessThan(0.3);
    expect(dvcIoU([0, 3], [0, 10])).toBeCloseTo(0.2999999997, 10);
  });
  it('CIDEr IDF comes from the call: one perfect pair scores 0, adding a junk pair raises it to 5', () => {
    const cap = 'add the chopped onions to the pan';
    expect(ciderD([{ candidate: cap, references: [cap] }]).score).toBe(0);
    const two = ciderD([
      { candidate: cap, references: [cap] },
      { candidate: 'stir well', references: ['zzzzqqqqxxxx'] },
    ]);
    expect(two.scores[0]).toBeCloseTo(10, 12);
    expect(two.score).toBeCloseTo(5, 12);
  });
  it('CIDEr: a three-token caption scores at most 7.5 (no 4-grams); identical references everywhere weigh 0', () => {
    const s = ciderD([
      { candidate: 'cut the onion', references: ['cut the onion'] },
      { candidate: 'x y', references: ['zzzzqqqq'] },
    ]);
    expect(s.scores[0]).toBeCloseTo(7.5, 12);
    const same = ciderD([
      { candidate: 'mix it all well', references: ['mix it all well'] },
      { candidate: 'mix it all well', references: ['mix it all well'] },
    ]);
    expect(same.score).toBe(0);
  });
  it('detection uses IoU > t without one-to-one matching; F1 is the mean of per-video F1', async () => {
    const v: DvcVideo = {
      key: 'v',
      gtSegments: [[0, 10]],
      gtCaptions: ['cut the onion.'],
      predSegments: [
        [0, 10],
        [0, 10],
      ],
      predCaptions: ['cut the onion.', 'cut the onion.'],
      hasPredictionKey: true,
    };
    const r = await scoreYouCook2([v], { meteorJar: '/nonexistent/meteor-1.5.jar' });
    expect(r.perItem[0]?.Precision_Mean).toBe(1); // duplicates both count as correct
    expect(r.metrics.F1).toBe(1);
    expect(r.metrics.METEOR).toBeNull();
    expect(r.unavailable.find((u) => u.metric === 'SODA_c')?.reason).toMatch(/does not exist/);
  });
  it('SODA_c key-order quirk: from 11 predictions on, string-sorted scores misalign (diagnostic CIDEr scorer)', async () => {
    const words = [
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'foxtrot',
      'golf',
      'hotel',
      'india',
      'juliet',
      'kilo',
      'lima',
    ];
    const video = (n: number): DvcVideo => {
      const caps = words.slice(0, n).map((w) => `stir the ${w} sauce slowly`);
      const segs = caps.map((_, i) => [10 * i, 10 * i + 10]);
      return {
        key: 'v',
        gtSegments: segs,
        gtCaptions: caps,
        predSegments: segs,
        predCaptions: caps,
        hasPredictionKey: true,
      };
    };
    const id = (c: string) => c;
    const ten = await sodaForVideo(video(10), id, ciderCaptionScorer, false);
    expect(ten).toBeCloseTo(await sodaForVideo(video(10), id, ciderCaptionScorer, true), 12); // control: < 11 keys
    const official = await sodaForVideo(video(12), id, ciderCaptionScorer, false);
    const strict = await sodaForVideo(video(12), id, ciderCaptionScorer, true);
    expect(strict).toBeGreaterThan(official + 1); // the misalignment costs the official number a lot
  });
  it('Para_CIDEr: a video without a prediction key shifts every later paragraph pair (zip misalignment)', () => {
    const mk = (key: string, cap: string, has: boolean): DvcVideo => ({
      key,
      gtSegments: [[0, 1]],
      gtCaptions: [cap],
      predSegments: has ? [[0, 1]] : [],
      predCaptions: has ? [cap] : [],
      hasPredictionKey: has,
    });
    const caps = [
      'cut the red onion finely',
      'boil the pasta in salted water',
      'fry the garlic in olive oil',
    ];
    const aligned = paragraphCider(caps.map((c, i) => mk(`v${i}`, c, true)));
    const shifted = paragraphCider(caps.map((c, i) => mk(`v${i}`, c, i !== 0)));
    expect(aligned).toBeGreaterThan(5);
    expect(shifted).toBeLessThan(aligned / 2);
  });
  it('SODA DP finds the best order-preserving matching', () => {
    const m = [new Float64Array([0.9, 0.1]), new Float64Array([0.8, 0.2])];
    expect(sodaDP(m)).toBeCloseTo(1.1, 12);
  });
});

describe('PTB tokenizer emulation (CoreNLP 3.4.1 -preserveLines -lowerCase + wrapper filter)', () => {
  const cases: [string, string][] = [
    ['Add the (optional) salt.', 'add the -lrb- optional -rrb- salt'],
    ['wow!! really?!', 'wow !! really ?!'],
    ['wait... then -- go --- now', 'wait then go now'],
    ["it's the man's, i'm sure", "it 's the man 's i 'm sure"],
    ["don't, can't, cannot", "do n't ca n't can not"],
    ['it\u2019s done', "it 's done"],
    ['add "salt" and \'end\'.', 'add salt and end'],
    ['stir-fry the t-shirt 15-20 non-stick', 'stir-fry the t-shirt 15-20 non-stick'],
    ['15 - 20 and dressing- mix', '15 20 and dressing mix'],
    ['add 1/2 cup channas/chole', 'add 1\\/2 cup channas\\/chole'],
    ['add 1 1/2 cup', 'add 1\u00a01\\/2 cup'],
    ['apples, raisins, etc. are placed', 'apples raisins etc. are placed'],
    ['chop a piece of chicken breast.  63.0 -', 'chop a piece of chicken breast 63.0'],
    ['sautéing onions', 'sautéing onions'],
  ];
  for (const [input, tokens] of cases) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(tokens)}`, () =>
      expect(ptbTokenize(input)).toBe(tokens));
  }
  it('refuses constructs it does not emulate instead of guessing', () => {
    for (const bad of [
      'meet at 10 a.m.',
      'add vitamin c.',
      'we gonna cook',
      'see www.example.com',
      'bake 2.5cm',
      'cook :30',
      'line\rbreak',
    ]) {
      expect(() => ptbTokenize(bad), bad).toThrow(UnsupportedCaptionError);
    }
  });
});
