import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidMetricInputError } from '@videoloom/metrics';
import { decodePng } from '@videoloom/video-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScore } from '../score/cli.js';
import type { ScoreReport } from '../score/report.js';
import { fitConstantSpan } from './baseline.js';
import { runReport } from './cli.js';
import { FIGURE_COLORS } from './figure.js';
import type { LoomBenchRunReport } from './loombench-report.js';
import { ReportInputError } from './report-input-error.js';
import { gtFile, H, LEVEL, makeFixtureFolder, predFile, W, writeJsonIn } from './test-fixture.js';

let dir: string;
const writeJson = (name: string, value: unknown) => writeJsonIn(dir, name, value);

async function report(args: string[]): Promise<{ code: number; text: string; stderr: string }> {
  let text = '';
  let stderr = '';
  const code = await runReport(
    args,
    (s) => {
      text += s;
    },
    (s) => {
      stderr += s;
    },
  );
  return { code, text, stderr };
}

beforeAll(async () => {
  // Set VIDEOLOOM_KEEP_REPORT=1 to keep the folder (and look at the PNGs).
  dir = await makeFixtureFolder('vl-report-');
}, 60_000);
afterAll(() => {
  if (!process.env.VIDEOLOOM_KEEP_REPORT) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
});

describe('videoloom-eval report on hand-built LoomBench files', () => {
  let r: LoomBenchRunReport;
  let outDir: string;
  let printed: string;

  beforeAll(async () => {
    outDir = join(dir, 'out');
    const run = await report([
      '--gt',
      join(dir, 'gt.json'),
      '--pred',
      `VideoLoom=${join(dir, 'pred.json')}`,
      '--videos',
      dir,
      '--out',
      outDir,
    ]);
    expect(run.code).toBe(0);
    printed = run.text;
    r = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as LoomBenchRunReport;
  }, 60_000);

  it('golden Table 4 numbers (x100), model and constant baseline', () => {
    expect(r.table.columns.map((c) => `${c.group} ${c.name}`)).toEqual([
      'When R1@0.5',
      'When tIoU',
      'Where J&F',
      'Combined tIoU',
      'Combined J&F_bi-fore',
    ]);
    const model = r.table.rows.find((x) => x.label === 'VideoLoom');
    expect(model?.values).toEqual([33.3, 44.4, 66.7, 66.7, 80.0]);
    // Fractions of the durations: w1 [0.2, 0.6], w2 [0.2, 0.6], w3 [0.4, 0.8]. [0.3, 0.7] reaches IoU
    // 0.6 with all three (R1@0.5 = 1); the mIoU optimum is [0.2, 0.6]: (1 + 1 + 1/3) / 3 = 7/9.
    const baseline = r.table.rows[0];
    expect(baseline).toEqual({
      label: 'Constant span (oracle fit)',
      kind: 'baseline',
      values: [100.0, 77.8, null, null, null],
    });
    expect(r.baseline?.bestMIoU.span).toEqual([0.2, 0.6]);
    expect(r.baseline?.bestMIoU.eval.mIoU).toBeCloseTo(7 / 9, 12);
    expect(r.baseline?.fit).toEqual({ gt: join(dir, 'gt.json'), oracle: true, items: 3, step: 0.01 });
  });

  it('JSON: every scorer metric (same as `score loombench`), counts, per-item scores', async () => {
    const scored = join(dir, 'scored.json');
    expect(
      await runScore(
        [
          'loombench',
          '--gt',
          join(dir, 'gt.json'),
          '--pred',
          join(dir, 'pred.json'),
          '--json',
          scored,
          '--quiet',
        ],
        () => {},
      ),
    ).toBe(0);
    const s = JSON.parse(readFileSync(scored, 'utf8')) as ScoreReport;
    const m = r.models[0];
    expect(m?.metrics).toEqual(s.metrics);
    expect(m?.metrics['when.mIoU']).toBeCloseTo(4 / 9, 15);
    expect(m?.metrics['combined.JF_bi_fore']).toBeCloseTo(0.8, 15);
    expect(r.counts).toEqual({ when: 3, where: 1, combined: 1 });
    const score = Object.fromEntries((m?.perItem ?? []).map((p) => [p.id, p.score]));
    expect(score.w1).toBeCloseTo(1 / 3, 15);
    expect(score.w2).toBe(1);
    expect(score.w3).toBe(0);
    expect(score.r1).toBeCloseTo(2 / 3, 15);
    expect(score.c1).toBeCloseTo((2 / 3 + 0.8) / 2, 15);
    expect(m?.perItem.find((p) => p.id === 'w1')?.video).toBe('videos/a.mp4');
    expect(r.inputs.gtSha256).toMatch(/^[0-9a-f]{64}$/);
    // baseline per item, consistent with a direct fit
    const direct = fitConstantSpan(
      [
        { id: 'w1', span: [0.5, 1.5], durationSeconds: 2.5 },
        { id: 'w2', span: [1, 3], durationSeconds: 5 },
        { id: 'w3', span: [2, 4], durationSeconds: 5 },
      ],
      'R1@0.5',
    );
    expect(r.baseline?.bestR1.span).toEqual(direct.span);
    expect(r.baseline?.bestR1.fit).toEqual(direct.fit);
    expect(r.baseline?.perItem.map((p) => p.id)).toEqual(['w1', 'w2', 'w3']);
  });

  it('prints the Table 4 layout and writes the markdown (snapshot)', async () => {
    expect(printed).toContain('LoomBench (when 3, where 1, combined 1; x100; R1 = R1@0.5, tIoU = mIoU)');
    expect(printed).toMatch(/^\s+When\s+Where\s+Combined$/m);
    expect(printed).toMatch(/^Constant span \(oracle fit\)\s+100\.0\s+77\.8\s+-\s+-\s+-$/m);
    expect(printed).toMatch(/^VideoLoom\s+33\.3\s+44\.4\s+66\.7\s+66\.7\s+80\.0$/m);
    await expect(readFileSync(join(outDir, 'report.md'), 'utf8')).toMatchFileSnapshot(
      './__snapshots__/loombench-report.md',
    );
  });

  it('picks best, median and worst deterministically', () => {
    // scores: w2 1, c1 0.733, r1 0.667, w1 0.333, w3 0
    expect(r.examples.map((e) => [e.name, e.id, e.rank])).toEqual([
      ['best', 'w2', 1],
      ['median', 'r1', 3],
      ['worst', 'w3', 5],
    ]);
    expect(r.examples.map((e) => e.file)).toEqual([
      'examples/videoloom/01-best-w2.png',
      'examples/videoloom/02-median-r1.png',
      'examples/videoloom/03-worst-w3.png',
    ]);
  });

  it('PNGs decode at the recorded size, with the prediction filled and the truth outlined where the masks are', () => {
    for (const e of r.examples) {
      const png = decodePng(readFileSync(join(outDir, e.file)));
      expect([png.width, png.height]).toEqual([e.width, e.height]);
    }
    const e = r.examples[1];
    if (!e) throw new Error('no where example');
    expect(e.frameTimes).toBe('gt-frame-times');
    expect(e.frames.map((f) => [f.frameIndex, f.maskIndex, f.frameTimeSeconds])).toEqual([
      [4, 0, 0.5],
      [8, 1, 1],
      [12, 2, 1.5],
    ]);
    const png = decodePng(readFileSync(join(outDir, e.file)));
    const at = (x: number, y: number) =>
      Array.from(png.data.subarray((y * png.width + x) * 3, (y * png.width + x) * 3 + 3));
    const near = (p: number[], q: readonly number[], tol: number) =>
      p.every((v, i) => Math.abs(v - (q[i] as number)) <= tol);
    const a = FIGURE_COLORS.predictionAlpha;
    const tinted = FIGURE_COLORS.prediction.map((c) => (1 - a) * LEVEL.a + a * c);
    for (const [k, f] of e.frames.entries()) {
      expect([f.box.width, f.box.height]).toEqual([W, H]);
      const px = (x: number, y: number) => at(f.box.left + x, f.box.top + y);
      // the truth outline is solid on the square's boundary, every frame
      for (const [x, y] of [
        [10, 10],
        [29, 10],
        [10, 29],
        [20, 29],
      ] as const)
        expect(px(x, y), `frame ${k} (${x},${y})`).toEqual([...FIGURE_COLORS.truth]);
      // inside the square: tinted where the prediction has the mask (frames 0, 1), plain grey on frame 2
      for (const [x, y] of [
        [15, 15],
        [25, 22],
      ] as const) {
        const p = px(x, y);
        if (k < 2) expect(near(p, tinted, 3), `frame ${k} (${x},${y}) ${p}`).toBe(true);
        else expect(near(p, [LEVEL.a, LEVEL.a, LEVEL.a], 3), `frame ${k} (${x},${y}) ${p}`).toBe(true);
      }
      // outside both masks: the video, untouched
      expect(near(px(3, 40), [LEVEL.a, LEVEL.a, LEVEL.a], 3)).toBe(true);
      expect(near(px(50, 5), [LEVEL.a, LEVEL.a, LEVEL.a], 3)).toBe(true);
    }
    // the best example is a When item of the darker video: frames spread over its 5 s, no overlay
    const best = r.examples[0];
    expect(best?.frameTimes).toBe('even-over-video');
    expect(best?.frames.map((f) => f.frameIndex)).toEqual([3, 10, 16, 23, 30, 36]);
    const bestPng = decodePng(readFileSync(join(outDir, best?.file ?? '')));
    const b0 = best?.frames[0]?.box;
    const o = (((b0?.top ?? 0) + 20) * bestPng.width + (b0?.left ?? 0) + 20) * 3;
    expect(near(Array.from(bestPng.data.subarray(o, o + 3)), [LEVEL.b, LEVEL.b, LEVEL.b], 3)).toBe(true);
  });
});

describe('videoloom-eval report options and errors', () => {
  it('--baseline-fit: the spans come from the fit split, the numbers from the evaluated one', async () => {
    // fit split: both truths at 0%..20% of their video -> the fitted span is [0, 0.2], which misses
    // every evaluated item (w1 [0.2, 0.6] only touches it): R1@0.5 = mIoU = 0.
    writeJson('fit-gt.json', {
      format: 'loombench',
      version: 1,
      kind: 'gt',
      items: [
        { id: 'f1', task: 'when', video: 'videos/a.mp4', span: [0, 0.5] },
        { id: 'f2', task: 'when', video: 'videos/b.mp4', span: [0, 1] },
      ],
    });
    const out = join(dir, 'out-fit');
    const run = await report([
      '--gt',
      join(dir, 'gt.json'),
      '--pred',
      join(dir, 'pred.json'),
      '--videos',
      dir,
      '--out',
      out,
      '--baseline-fit',
      join(dir, 'fit-gt.json'),
      '--examples',
      '0',
      '--quiet',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const r = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LoomBenchRunReport;
    expect(r.baseline?.label).toBe('Constant span (fit: fit-gt.json)');
    expect(r.baseline?.fit.oracle).toBe(false);
    expect(r.baseline?.bestR1.span).toEqual([0, 0.2]);
    expect(r.baseline?.bestR1.fit['R1@0.5']).toBe(1);
    expect(r.table.rows[0]?.values).toEqual([0, 0, null, null, null]);
    expect(r.table.rows[1]?.label).toBe('pred'); // default label: the file name
    expect(r.examples).toEqual([]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(
      'fitted on the 2 When items of `fit-gt.json`',
    );
  }, 30_000);

  it('exits 2 with the usage when a required option is missing', async () => {
    const run = await report(['--gt', 'x.json', '--pred', 'p.json']);
    expect(run.code).toBe(2);
    expect(run.text).toMatch(/--videos, --out required/);
    expect(run.text).toMatch(/Usage: videoloom-eval report/);
  });

  it('typed errors: missing files, mismatched ids, missing videos', async () => {
    const base = ['--videos', dir, '--out', join(dir, 'out-err'), '--quiet'];
    const missing = join(dir, 'nope.json');
    await expect(report(['--gt', missing, '--pred', join(dir, 'pred.json'), ...base])).rejects.toThrow(
      InvalidMetricInputError,
    );
    await expect(report(['--gt', join(dir, 'gt.json'), '--pred', missing, ...base])).rejects.toThrow(
      /nope\.json.*cannot read the prediction file/,
    );
    // a prediction for an id the GT does not have
    const extra = writeJson('pred-extra.json', {
      ...predFile,
      items: [...predFile.items, { id: 'zz9', span: [0, 1] }],
    });
    await expect(report(['--gt', join(dir, 'gt.json'), '--pred', extra, ...base])).rejects.toThrow(
      /pred-extra\.json \(item zz9\): 1 prediction id\(s\) are not in the ground truth/,
    );
    // a GT item without a prediction
    const short = writeJson('pred-short.json', { ...predFile, items: predFile.items.slice(1) });
    await expect(report(['--gt', join(dir, 'gt.json'), '--pred', short, ...base])).rejects.toThrow(
      /pred-short\.json \(item w1\): 1 GT item\(s\) of .* have no prediction/,
    );
    const dup = writeJson('pred-dup.json', { ...predFile, items: [...predFile.items, predFile.items[0]] });
    await expect(report(['--gt', join(dir, 'gt.json'), '--pred', dup, ...base])).rejects.toThrow(
      /duplicate item id/,
    );
    // the videos folder and a video file
    await expect(
      report([
        '--gt',
        join(dir, 'gt.json'),
        '--pred',
        join(dir, 'pred.json'),
        '--videos',
        join(dir, 'no-dir'),
        '--out',
        join(dir, 'o2'),
      ]),
    ).rejects.toThrow(ReportInputError);
    const gone = writeJson('gt-gone.json', {
      ...gtFile,
      items: gtFile.items.map((it) => (it.id === 'w2' ? { ...it, video: 'videos/missing.mp4' } : it)),
    });
    await expect(report(['--gt', gone, '--pred', join(dir, 'pred.json'), ...base])).rejects.toMatchObject({
      name: 'VL_VideoFileNotFoundError',
    });
    const noVideo = writeJson('gt-novideo.json', {
      ...gtFile,
      items: gtFile.items.map((it) => (it.id === 'w3' ? { ...it, video: undefined } : it)),
    });
    await expect(report(['--gt', noVideo, '--pred', join(dir, 'pred.json'), ...base])).rejects.toThrow(
      /gt-novideo\.json \(item w3\): no "video" field/,
    );
    await expect(
      report([
        '--gt',
        join(dir, 'gt.json'),
        '--pred',
        join(dir, 'pred.json'),
        ...base,
        '--examples',
        'three',
      ]),
    ).rejects.toThrow(/--examples: not a usable count/);
  }, 30_000);
});
