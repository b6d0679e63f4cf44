import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import expected from '../../test/fixtures/temporal/official-expected.json' with { type: 'json' };
import { officialExample } from '../../test/shared-dir.js';
import { charadesQueriesFromFiles, scoreCharades } from './charades.js';
import { parseJsonOrJsonl, type QvhGtItem, type QvhPredItem, scoreQvHighlights } from './qvhighlights.js';
import { dvcVideosFromFiles, scoreYouCook2 } from './youcook2.js';

const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');

const charadesDir = officialExample('charades_tvg-official_example');
describe.skipIf(!charadesDir)('Charades-STA on the official TimeChat example', () => {
  it('prints the official R1@0.3/0.5/0.7', () => {
    const dir = charadesDir as string;
    const queries = charadesQueriesFromFiles(
      JSON.parse(read(dir, 'gt.json')),
      JSON.parse(read(dir, 'pred.json')),
      { sample: true },
    );
    const r = scoreCharades(queries);
    const e = expected['charades_tvg-official_example'].printed;
    expect(r.metrics['R1@0.3']).toBe(e['R1@0.3']);
    expect(r.metrics['R1@0.5']).toBe(e['R1@0.5']);
    expect(r.metrics['R1@0.7']).toBe(e['R1@0.7']);
    expect(r.count).toBe(500);
  });
  it('rejects the non-sample mode on the example (the official script asserts equal counts)', () => {
    const dir = charadesDir as string;
    expect(() =>
      charadesQueriesFromFiles(JSON.parse(read(dir, 'gt.json')), JSON.parse(read(dir, 'pred.json'))),
    ).toThrow(/prediction count differs/);
  });
});

for (const name of [
  'qvhl_moment_detr-official_sample_val_preds',
  'qvhl_moment_detr-official_ckpt_val_preds',
]) {
  const dir = officialExample(name);
  const gtDir = officialExample('qvhl_moment_detr-official_sample_val_preds');
  describe.skipIf(!dir || !gtDir)(`QVHighlights on moment_detr's ${name}`, () => {
    it('reproduces the shipped metrics file exactly', () => {
      const gts = parseJsonOrJsonl<QvhGtItem>(read(gtDir as string, 'gt.jsonl'), 'gt.jsonl');
      const preds = parseJsonOrJsonl<QvhPredItem>(read(dir as string, 'pred.jsonl'), 'pred.jsonl');
      const r = scoreQvHighlights(preds, gts);
      const shipped = JSON.parse(read(dir as string, 'shipped_expected.json'));
      expect(r.official).toEqual(shipped);
      expect(Object.keys(r.official)).toEqual(Object.keys(shipped));
    });
  });
}

const hdDir = officialExample('qvhl_hd_timechat-official_example');
describe.skipIf(!hdDir)("QVHighlights HD on TimeChat's example", () => {
  it('prints what eval_vhd.py prints (shared qids only)', () => {
    const dir = hdDir as string;
    const gts = parseJsonOrJsonl<QvhGtItem>(read(dir, 'gt.jsonl'), 'gt.jsonl');
    const preds = parseJsonOrJsonl<QvhPredItem>(read(dir, 'pred.json'), 'pred.json');
    const r = scoreQvHighlights(preds, gts, { qidMatch: 'shared' });
    expect(r.brief).toEqual(expected['qvhl_hd_timechat-official_example'].brief);
  });
});

const ycDir = officialExample('youcook2_dvc-official_example');
describe.skipIf(!ycDir)("YouCook2 dense captioning on TimeChat's example", () => {
  it('gives the official detection P/R/F1, Para_CIDEr and CIDEr (official CIDEr code on our tokens)', async () => {
    const dir = ycDir as string;
    const videos = dvcVideosFromFiles(JSON.parse(read(dir, 'gt.json')), JSON.parse(read(dir, 'pred.json')));
    const r = await scoreYouCook2(videos, { meteorJar: undefined });
    const e = expected['youcook2_dvc-official_example'];
    for (const [k, v] of Object.entries(e.printed)) expect(r.printed[k], k).toBe(v);
    for (const [k, v] of Object.entries(e.unrounded)) expect(r.metrics[k] as number, k).toBeCloseTo(v, 12);
    expect(r.metrics.SODA_c).toBeNull();
    expect(r.unavailable.map((u) => u.metric).sort()).toEqual(['METEOR', 'SODA_c']);
  });
});
