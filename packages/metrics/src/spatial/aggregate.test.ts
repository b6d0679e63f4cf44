import { describe, expect, it } from 'vitest';
import { type BinaryMask, emptyMask } from '../masks/binary-mask.js';
import { aggregateBiFore, biForeJF, foregroundSpan } from './bi-fore.js';
import { refcocoCounts, scoreRefCoco } from './refcoco.js';
import { aggregateMevis, aggregateRevos, expressionScore, scoreExpressionFrames } from './refvos.js';

const W = 16;
const H = 12;
const box = (y0: number, x0: number, y1: number, x1: number): BinaryMask => {
  const m = emptyMask(W, H);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * W + x] = 1;
  return m;
};
const none = (): BinaryMask => emptyMask(W, H);

describe('referring-VOS aggregation', () => {
  it('frames where both masks are empty score J = F = 1 and count in the expression mean', () => {
    const gt = [box(2, 2, 8, 8), none(), none(), none()];
    const pred = [box(2, 2, 8, 8), none(), none(), none()];
    const e = expressionScore('e', scoreExpressionFrames(gt, pred));
    expect(e.Je).toBe(1);
    const missed = expressionScore('m', scoreExpressionFrames(gt, [none(), none(), none(), none()]));
    expect(missed.Je).toBe(0.75); // background inflation
  });
  it('MeViS: J&F = (mean J_e + mean F_e) / 2', () => {
    const a = { id: 'a', J: new Float64Array(), F: new Float64Array(), Je: 0.5, Fe: 0.7 };
    const b = { id: 'b', J: new Float64Array(), F: new Float64Array(), Je: 0.25, Fe: 0.3 };
    const r = aggregateMevis([a, b]);
    expect(r.J).toBe(0.375);
    expect(r.F).toBeCloseTo(0.5, 15);
    expect(r.printed['J&F']).toBe(43.75);
  });
  it('ReVOS rounds per expression first, and overall is the mean of the two subset means', () => {
    const mk = (id: string, Je: number, Fe: number, typeId: number) => ({
      id,
      J: new Float64Array(),
      F: new Float64Array(),
      Je,
      Fe,
      typeId,
    });
    const r = aggregateRevos([
      mk('r1', 0.123456, 0.5, 0),
      mk('r2', 0.5, 0.5, 0),
      mk('q1', 0.9, 0.8, 1),
      mk('x', 0, 0, 2), // dropped
    ]);
    expect(r.referring.J).toBeCloseTo((12.35 + 50) / 2, 12);
    expect(r.reasoning.J).toBeCloseTo(90, 12);
    // overall = mean of subset means (31.175 + 90) / 2, not the mean over the 3 expressions
    expect(r.overall.J).toBeCloseTo((31.175 + 90) / 2, 12);
    expect(r.overall.count).toBe(3);
  });
});

describe('bidirectional foreground J&F (spatial spec §5)', () => {
  it('Loc(P) includes interior empty frames', () => {
    const masks = [none(), box(1, 1, 3, 3), none(), box(1, 1, 3, 3), none()];
    expect(foregroundSpan(masks)).toEqual({ first: 1, last: 3 });
  });
  it('a correct segment with a long background tail: J&F is inflated, bi-fore is not', () => {
    const gt = [box(2, 2, 8, 8), box(2, 2, 8, 8), none(), none(), none(), none()];
    const pred = [box(2, 2, 8, 8), none(), none(), none(), none(), box(0, 0, 4, 4)];
    const frames = scoreExpressionFrames(gt, pred);
    const s = biForeJF(gt, pred, frames);
    expect(s.status).toBe('ok');
    expect(s.Jg).toBeCloseTo((1 + 0) / 2, 15);
    expect(s.predSpan).toEqual({ first: 0, last: 5 });
    const a = s.Jp + s.Fp;
    const b = s.Jg + s.Fg;
    expect(s.JFbiFore).toBeCloseTo((a * b) / (a + b), 15);
    expect(s.JFbiFore as number).toBeLessThan(expressionScore('e', frames).Je);
  });
  it('edge cases: prediction empty -> 0; GT empty -> degenerate (null) with the fallback', () => {
    const gt = [box(2, 2, 8, 8), none()];
    const emptyPred = biForeJF(gt, [none(), none()], scoreExpressionFrames(gt, [none(), none()]));
    expect(emptyPred.status).toBe('pred_empty');
    expect(emptyPred.JFbiFore).toBe(0);
    const bothEmpty = biForeJF([none()], [none()], scoreExpressionFrames([none()], [none()]));
    expect(bothEmpty.status).toBe('degenerate_both_empty');
    expect(bothEmpty.JFbiFore).toBeNull();
    expect(bothEmpty.JFbiForeFallback).toBe(1);
    const gtEmpty = biForeJF([none()], [box(1, 1, 2, 2)], scoreExpressionFrames([none()], [box(1, 1, 2, 2)]));
    expect(gtEmpty.status).toBe('degenerate_gt_empty');
    expect(gtEmpty.JFbiForeFallback).toBe(0);
    const agg = aggregateBiFore([emptyPred, bothEmpty, gtEmpty]);
    expect(agg.count).toBe(1);
    expect(agg.excluded).toBe(2);
  });
  it('dataset level: harmonic mean of the means reproduces the paper rows HM(48.0, 26.0) = 33.7', () => {
    const fake = (JFp: number, JFg: number) => ({
      Jp: JFp,
      Fp: JFp,
      Jg: JFg,
      Fg: JFg,
      JFp,
      JFg,
      JFbiFore: (2 * JFp * JFg) / (JFp + JFg),
      JFbiForeFallback: 0,
      status: 'ok' as const,
      predSpan: null,
      gtSpan: null,
    });
    const agg = aggregateBiFore([fake(0.4, 0.3), fake(0.56, 0.22)]);
    expect(agg.JFp).toBeCloseTo(0.48, 15);
    expect(agg.JFg).toBeCloseTo(0.26, 15);
    expect(Math.round(agg.JF_bi_fore_hm_of_means * 1000) / 10).toBe(33.7);
    expect(agg.JF_bi_fore_mean_over_cases).toBeLessThan(agg.JF_bi_fore_hm_of_means);
  });
});

describe('RefCOCO cIoU / gIoU', () => {
  it('cIoU pools intersections and unions; gIoU averages per expression with both-empty = 1; no [SEG] = empty mask', () => {
    const gt1 = box(0, 0, 4, 4); // 16 px
    const items = [
      refcocoCounts(gt1, box(0, 0, 4, 2)),
      refcocoCounts(none(), none()),
      refcocoCounts(box(0, 0, 2, 2), null),
    ];
    const r = scoreRefCoco(items);
    expect(r.cIoU).toBe(8 / 20);
    expect(r.gIoU).toBeCloseTo((0.5 + 1 + 0) / 3, 15);
  });
});
