import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BinaryMask, emptyMask, encodeRle, writeMaskPng } from '@videoloom/metrics';
import { describe, expect, it } from 'vitest';
import { runScore } from './cli.js';
import type { ScoreReport } from './report.js';

const W = 20;
const H = 10;
const box = (y0: number, x0: number, y1: number, x1: number): BinaryMask => {
  const m = emptyMask(W, H);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m.data[y * W + x] = 1;
  return m;
};

async function run(args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runScore([...args, '--quiet'], (s) => {
    text += s;
  });
  return { code, text };
}

describe('videoloom-eval score refvos (MeViS/ReVOS layout)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-refvos-'));
  // video v1, 3 frames; expression 0 refers to objects a1 + a2 (GT = their sum), expression 1 to a3 (absent on frame 2)
  const a1 = [box(0, 0, 4, 4), box(0, 0, 4, 4), null];
  const a2 = [null, box(5, 10, 9, 14), box(5, 10, 9, 14)];
  const a3 = [box(2, 2, 6, 6), box(2, 2, 6, 6), null];
  writeFileSync(
    join(dir, 'meta_expressions.json'),
    JSON.stringify({
      videos: {
        v1: {
          frames: ['00000', '00001', '00002'],
          expressions: {
            '0': { exp: 'the two things', anno_id: [1, 2], type_id: 0 },
            '1': { exp: 'the square', anno_id: [3], type_id: 1 },
          },
        },
      },
    }),
  );
  const rle = (l: (BinaryMask | null)[]) => l.map((m) => (m ? encodeRle(m) : null));
  writeFileSync(join(dir, 'mask_dict.json'), JSON.stringify({ '1': rle(a1), '2': rle(a2), '3': rle(a3) }));
  // predictions: expression 0 perfect; expression 1 misses frame 1 and correctly leaves frame 2 empty
  const preds: Record<string, BinaryMask[]> = {
    '0': [
      box(0, 0, 4, 4),
      (() => {
        const m = box(0, 0, 4, 4);
        for (let y = 5; y < 9; y++) for (let x = 10; x < 14; x++) m.data[y * W + x] = 1;
        return m;
      })(),
      box(5, 10, 9, 14),
    ],
    '1': [box(2, 2, 6, 6), emptyMask(W, H), emptyMask(W, H)],
  };
  const pngDir = join(dir, 'pred-png');
  const rleJson: Record<string, Record<string, unknown[]>> = { v1: {} };
  for (const [exp, frames] of Object.entries(preds)) {
    mkdirSync(join(pngDir, 'v1', exp), { recursive: true });
    frames.forEach((m, t) => {
      writeFileSync(join(pngDir, 'v1', exp, `0000${t}.png`), writeMaskPng(m));
    });
    (rleJson.v1 as Record<string, unknown[]>)[exp] = frames.map((m) => encodeRle(m));
  }
  writeFileSync(join(dir, 'pred.json'), JSON.stringify(rleJson));

  it('scores PNG folders (inline) and RLE JSON (2 worker threads) identically, with the hand-computed values', async () => {
    const a = await run([
      'refvos',
      '--gt',
      dir,
      '--pred',
      pngDir,
      '--json',
      join(dir, 'a.json'),
      '--workers',
      '0',
    ]);
    const b = await run([
      'refvos',
      '--gt',
      join(dir, 'meta_expressions.json'),
      '--pred',
      join(dir, 'pred.json'),
      '--json',
      join(dir, 'b.json'),
      '--workers',
      '2',
    ]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ra = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as ScoreReport;
    const rb = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')) as ScoreReport;
    expect(ra.metrics).toEqual(rb.metrics);
    // expression 0: J = 1 on all frames; expression 1: J = [1, 0, 1] -> 2/3; mean J = 5/6
    expect(ra.metrics.J).toBeCloseTo(5 / 6, 15);
    // ReVOS split (percent, per-expression 2-decimal rounding): referring = 100, reasoning J = 66.67
    const revos = ra.metrics.revos as {
      referring: { J: number };
      reasoning: { J: number };
      overall: { J: number };
    };
    expect(revos.referring.J).toBe(100);
    expect(revos.reasoning.J).toBe(66.67);
    expect(revos.overall.J).toBeCloseTo((100 + 66.67) / 2, 12);
    // accuracy A uses the raw GT sum: frame 1 of expression 0 has two objects (no overlap) -> all pixels equal
    const perA = (ra.per_item as { A: number }[]).map((p) => p.A);
    expect(perA[0]).toBe(1);
    expect(perA[1]).toBeCloseTo((1 + (1 - 16 / 200) + 1) / 3, 15);
    expect(a.text).toMatch(/reasoning/);
    expect(ra.per_item).toHaveLength(2);
  }, 30_000);
  it('names the missing prediction PNG', async () => {
    await expect(run(['refvos', '--gt', dir, '--pred', join(dir, 'nowhere')])).rejects.toThrow(/nowhere/);
  });
});

describe('videoloom-eval score loombench', () => {
  it('scores When / Where / Combined items of the v1 format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vl-loom-'));
    const g = box(2, 2, 6, 6);
    const gt = {
      format: 'loombench',
      version: 1,
      kind: 'gt',
      items: [
        { id: 'w1', task: 'when', span: [10, 20] },
        { id: 'r1', task: 'where', masks: [encodeRle(g), null] },
        { id: 'c1', task: 'combined', span: [0, 1], masks: [encodeRle(g), null, null, null] },
      ],
    };
    const pred = {
      format: 'loombench',
      version: 1,
      kind: 'pred',
      items: [
        { id: 'w1', span: [15, 25] },
        { id: 'r1', masks: [encodeRle(g), null] },
        { id: 'c1', span: [0, 1], masks: [encodeRle(g), null, null, encodeRle(box(0, 0, 1, 1))] },
      ],
    };
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(gt));
    writeFileSync(join(dir, 'pred.json'), JSON.stringify(pred));
    const r = await run([
      'loombench',
      '--gt',
      join(dir, 'gt.json'),
      '--pred',
      join(dir, 'pred.json'),
      '--json',
      join(dir, 'out.json'),
    ]);
    expect(r.code).toBe(0);
    const m = (JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as ScoreReport).metrics;
    expect(m['when.mIoU']).toBeCloseTo(5 / 15, 15);
    expect(m['when.R1@0.3']).toBe(1);
    expect(m['when.R1@0.5']).toBe(0);
    expect(m['where.J&F']).toBe(1);
    // combined: Loc(G) = frame 0 -> J&F_g = 1; Loc(P) = frames 0..3 -> J = [1,1,1,0], F = [1,1,1,0]
    expect(m['combined.JFg']).toBe(1);
    expect(m['combined.JFp']).toBe(0.75);
    expect(m['combined.JF_bi_fore']).toBeCloseTo((2 * 0.75 * 1) / 1.75, 15);
    expect(m['combined.J&F']).toBe(0.75);
  });
  it('rejects a file of another format version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vl-loom-'));
    writeFileSync(
      join(dir, 'gt.json'),
      JSON.stringify({ format: 'loombench', version: 2, kind: 'gt', items: [] }),
    );
    await expect(
      run(['loombench', '--gt', join(dir, 'gt.json'), '--pred', join(dir, 'gt.json')]),
    ).rejects.toThrow(/version/);
  });
});

describe('videoloom-eval score refcoco and charades', () => {
  it('refcoco: cIoU pools, gIoU averages, null = no [SEG]', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vl-refcoco-'));
    const g = box(0, 0, 4, 4);
    writeFileSync(
      join(dir, 'gt.json'),
      JSON.stringify([
        { id: 'a', mask: encodeRle(g) },
        { id: 'b', mask: encodeRle(g) },
      ]),
    );
    writeFileSync(join(dir, 'pred.json'), JSON.stringify({ a: encodeRle(box(0, 0, 4, 2)), b: null }));
    const out = join(dir, 'r.json');
    expect(
      (await run(['refcoco', '--gt', join(dir, 'gt.json'), '--pred', join(dir, 'pred.json'), '--json', out]))
        .code,
    ).toBe(0);
    const m = (JSON.parse(readFileSync(out, 'utf8')) as ScoreReport).metrics;
    expect(m.cIoU).toBe(8 / 32);
    expect(m.gIoU).toBe(0.25);
  });
  it('charades: prints numbers the way the official script does (9.0, not 9)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vl-charades-'));
    writeFileSync(
      join(dir, 'gt.json'),
      JSON.stringify({
        annotations: [
          { id: 1, timestamp: [0, 10] },
          { id: 2, timestamp: [0, 10] },
        ],
      }),
    );
    writeFileSync(
      join(dir, 'pred.json'),
      JSON.stringify({ '1': { timestamp: [[0, 10]] }, ' 02': { timestamp: [[20, 30]] } }),
    );
    const r = await run([
      'charades',
      '--gt',
      join(dir, 'gt.json'),
      '--pred',
      join(dir, 'pred.json'),
      '--strict',
    ]);
    expect(r.text).toMatch(/50\.0\s+50\.0\s+50\.0/);
    expect(r.text).toMatch(/mode: strict/);
  });
});

describe('videoloom-eval score arguments', () => {
  it('exits 2 with usage on a missing --gt or an unknown benchmark', async () => {
    expect((await run(['charades', '--pred', 'x'])).code).toBe(2);
    expect((await run(['mevis2', '--gt', 'a', '--pred', 'b'])).text).toMatch(/Unknown benchmark/);
  });
});

const shared =
  process.env.VIDEOLOOM_SHARED_DIR ??
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared');
const mdDir = join(shared, 'data', 'official-examples', 'qvhl_moment_detr-official_sample_val_preds');
if (!existsSync(mdDir))
  console.warn(
    `[eval tests] skipping the official QVHighlights example: ${mdDir} not found (set VIDEOLOOM_SHARED_DIR)`,
  );
describe.skipIf(!existsSync(mdDir))(
  'videoloom-eval score qvhighlights on the official moment_detr example',
  () => {
    it('writes the shipped metric values under metrics with their official key names', async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'vl-qvh-')), 'r.json');
      const r = await run([
        'qvhighlights',
        '--gt',
        join(mdDir, 'gt.jsonl'),
        '--pred',
        join(mdDir, 'pred.jsonl'),
        '--json',
        out,
      ]);
      expect(r.code).toBe(0);
      const shipped = JSON.parse(readFileSync(join(mdDir, 'shipped_expected.json'), 'utf8'));
      const report = JSON.parse(readFileSync(out, 'utf8')) as ScoreReport;
      for (const [k, v] of Object.entries(shipped.brief)) expect(report.metrics[k], k).toBe(v);
      expect(r.text).toMatch(/53\.94/);
    }, 60_000);
  },
);
