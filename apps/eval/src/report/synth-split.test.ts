import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSynthSplit } from '@videoloom/data';
import type { LoomBenchFile } from '@videoloom/metrics';
import { decodePng } from '@videoloom/video-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScore } from '../score/cli.js';
import type { ScoreReport } from '../score/report.js';
import { runReport } from './cli.js';
import { FIGURE_COLORS } from './figure.js';
import type { LoomBenchRunReport } from './loombench-report.js';

// A real LoomBench-Synth split (mp4 + LoomBench v1 GT) from @videoloom/data, reported end to end.
let dir: string;
let gt: LoomBenchFile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vl-report-synth-'));
  await writeSynthSplit({ split: 'val', count: 1, outDir: join(dir, 'split') });
  gt = JSON.parse(readFileSync(join(dir, 'split', 'loombench-gt.json'), 'utf8')) as LoomBenchFile;
  // the oracle: the truth as prediction
  writeFileSync(
    join(dir, 'oracle.json'),
    JSON.stringify({
      format: 'loombench',
      version: 1,
      kind: 'pred',
      items: gt.items.map(({ id, span, masks }) => ({
        id,
        ...(span ? { span } : {}),
        ...(masks ? { masks } : {}),
      })),
    }),
  );
  // a weaker model: every span shifted by 1 s, every third mask dropped
  writeFileSync(
    join(dir, 'shifted.json'),
    JSON.stringify({
      format: 'loombench',
      version: 1,
      kind: 'pred',
      items: gt.items.map(({ id, span, masks }) => ({
        id,
        ...(span ? { span: [span[0] + 1, span[1] + 1] } : {}),
        ...(masks ? { masks: masks.map((m, k) => (k % 3 === 0 ? null : m)) } : {}),
      })),
    }),
  );
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('videoloom-eval report on a LoomBench-Synth split', () => {
  it('the truth scores 100 everywhere; the weaker model matches `score loombench`; examples render', async () => {
    let text = '';
    const out = join(dir, 'report');
    const code = await runReport(
      [
        '--gt',
        join(dir, 'split', 'loombench-gt.json'),
        '--pred',
        `oracle=${join(dir, 'oracle.json')}`,
        '--pred',
        `shifted=${join(dir, 'shifted.json')}`,
        '--videos',
        join(dir, 'split'),
        '--out',
        out,
        '--examples',
        '2',
        '--frames',
        '4',
        '--quiet',
      ],
      (s) => {
        text += s;
      },
    );
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LoomBenchRunReport;
    expect(r.counts.when).toBeGreaterThan(0);
    expect(r.counts.where).toBe(r.counts.when);
    expect(r.counts.combined).toBe(r.counts.when);
    expect(r.table.rows.map((x) => x.label)).toEqual(['Constant span (oracle fit)', 'oracle', 'shifted']);
    expect(r.table.rows[1]?.values).toEqual([100, 100, 100, 100, 100]);
    expect(text).toMatch(/^oracle\s+100\.0\s+100\.0\s+100\.0\s+100\.0\s+100\.0$/m);
    // the constant baseline can never beat the truth, and is what its spans score
    const b = r.baseline;
    expect(b?.bestR1.eval['R1@0.5']).toBeLessThanOrEqual(1);
    expect(b?.bestR1.eval['R1@0.5']).toBeGreaterThan(0);
    // the second model, scored by the existing scorer CLI
    const scored = join(dir, 'scored.json');
    await runScore(
      [
        'loombench',
        '--gt',
        join(dir, 'split', 'loombench-gt.json'),
        '--pred',
        join(dir, 'shifted.json'),
        '--json',
        scored,
        '--quiet',
      ],
      () => {},
    );
    expect(r.models[1]?.metrics).toEqual((JSON.parse(readFileSync(scored, 'utf8')) as ScoreReport).metrics);
    // 2 examples per model (best and worst); every PNG decodes at its size with the overlay colours on it
    expect(r.examples.map((e) => [e.model, e.name])).toEqual([
      ['oracle', 'best'],
      ['oracle', 'worst'],
      ['shifted', 'best'],
      ['shifted', 'worst'],
    ]);
    for (const e of r.examples) {
      const png = decodePng(readFileSync(join(out, e.file)));
      expect([png.width, png.height]).toEqual([e.width, e.height]);
      expect(e.frames.length).toBeGreaterThan(0);
      expect(e.frames.length).toBeLessThanOrEqual(4);
      for (const f of e.frames) expect([f.box.width, f.box.height]).toEqual([128, 128]);
      // the timeline always shows the true span (green) for these items (every item has a span or a mask)
      const [r0, g0, b0] = FIGURE_COLORS.truth;
      let green = 0;
      for (let i = 0; i < png.data.length; i += 3)
        if (png.data[i] === r0 && png.data[i + 1] === g0 && png.data[i + 2] === b0) green++;
      expect(green, e.file).toBeGreaterThan(0);
    }
  }, 120_000);
});
