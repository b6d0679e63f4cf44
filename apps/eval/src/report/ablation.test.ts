import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scoreLoomBench } from '@videoloom/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AblationTable, parseRunArgument } from './ablation.js';
import { runAblation } from './cli.js';
import { ReportInputError } from './report-input-error.js';
import { gtFile, makeFixtureFolder, predFile, writeJsonIn } from './test-fixture.js';
import { writeLoomBenchReport } from './write-report.js';

let dir: string;

async function ablation(args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runAblation(args, (s) => {
    text += s;
  });
  return { code, text };
}

// Three settings on the same GT: slow-only answers masks but no span, fast-only spans but empty masks,
// slowfast is the fixture's prediction (hand-computed in test-fixture.ts).
const slowOnly = {
  ...predFile,
  items: gtFile.items.map((it) => ({ id: it.id, span: null, ...(it.masks ? { masks: it.masks } : {}) })),
};
const fastOnly = {
  ...predFile,
  items: gtFile.items.map((it) => ({
    id: it.id,
    ...(it.span ? { span: it.span } : {}),
    ...(it.masks ? { masks: it.masks.map(() => null) } : {}),
  })),
};

beforeAll(async () => {
  dir = await makeFixtureFolder('vl-ablation-');
  const gt = join(dir, 'gt.json');
  const run = async (name: string, preds: { label: string; path: string }[], gtPath = gt) =>
    writeLoomBenchReport({ gt: gtPath, preds, videos: dir, out: join(dir, name), examples: 0 });
  await run('slow-only', [{ label: 'slow', path: writeJsonIn(dir, 'slow.json', slowOnly) }]);
  await run('fast-only', [{ label: 'fast', path: writeJsonIn(dir, 'fast.json', fastOnly) }]);
  await run('slowfast', [{ label: 'slowfast', path: join(dir, 'pred.json') }]);
  await run('both', [
    { label: 'slow', path: join(dir, 'slow.json') },
    { label: 'fast', path: join(dir, 'fast.json') },
  ]);
  // the same items, another question text: another GT file
  const otherGt = writeJsonIn(dir, 'gt-other.json', {
    ...gtFile,
    items: gtFile.items.map((it) => ({ ...it, question: `${it.question} (v2)` })),
  });
  await run('other-gt', [{ label: 'slowfast', path: join(dir, 'pred.json') }], otherGt);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('videoloom-eval ablation', () => {
  it('lays out When R1@0.5 / mIoU, Where J&F, Combined J&F_bi-fore per setting (golden), best in bold', async () => {
    const out = join(dir, 'ablation');
    const r = await ablation([
      '--run',
      `slow-only=${join(dir, 'slow-only', 'report.json')}`,
      '--run',
      `fast-only=${join(dir, 'fast-only', 'report.json')}`,
      '--run',
      `slowfast=${join(dir, 'slowfast', 'report.json')}`,
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const t = JSON.parse(readFileSync(join(out, 'ablation.json'), 'utf8')) as AblationTable;
    // fast-only's empty masks: J&F_bi-fore as the scorer defines it for an empty prediction
    const fastBiFore = scoreLoomBench(gtFile, fastOnly).metrics['combined.JF_bi_fore'] as number;
    expect(t.rows.map((x) => [x.name, x.model, ...x.values])).toEqual([
      ['slow-only', 'slow', 0, 0, 100, 100],
      ['fast-only', 'fast', 100, 100, 0, Number((100 * fastBiFore).toFixed(1))],
      ['slowfast', 'slowfast', 33.3, 44.4, 66.7, 80],
    ]);
    expect(t.rows[2]?.metrics['when.mIoU']).toBeCloseTo(4 / 9, 15);
    expect(r.text).toMatch(/^\s+When\s+Where\s+Combined$/m);
    expect(r.text).toMatch(/^slowfast\s+33\.3\s+44\.4\s+66\.7\s+80\.0$/m);
    expect(r.text).toMatch(/^fast-only\s+100\.0\*\s+100\.0\*\s+0\.0\s+/m);
    await expect(readFileSync(join(out, 'ablation.md'), 'utf8')).toMatchFileSnapshot(
      './__snapshots__/ablation.md',
    );
  });

  it('picks a model by #label in a report with several, and asks for one otherwise', async () => {
    const both = join(dir, 'both', 'report.json');
    const r = await ablation([
      '--run',
      `s=${both}#slow`,
      '--run',
      `f=${both}#fast`,
      '--out',
      join(dir, 'abl-2'),
    ]);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/^s\s+0\.0\s+0\.0\s+100\.0\*/m);
    await expect(ablation(['--run', `x=${both}`, '--out', join(dir, 'abl-3')])).rejects.toThrow(
      /holds 2 models; expected NAME=.*#LABEL with LABEL one of \["slow","fast"\]/,
    );
    await expect(ablation(['--run', `x=${both}#medium`, '--out', join(dir, 'abl-3')])).rejects.toThrow(
      /no model labelled "medium"/,
    );
  });

  it('refuses runs scored on different ground truth unless --allow-mixed-gt', async () => {
    const args = [
      '--run',
      `a=${join(dir, 'slowfast', 'report.json')}`,
      '--run',
      `b=${join(dir, 'other-gt', 'report.json')}`,
      '--out',
      join(dir, 'abl-mixed'),
    ];
    await expect(ablation(args)).rejects.toThrow(ReportInputError);
    await expect(ablation(args)).rejects.toThrow(/--run b: scored on other ground truth than --run a/);
    expect((await ablation([...args, '--allow-mixed-gt'])).code).toBe(0);
  });

  it('typed errors for bad arguments and files that are not reports; exit 2 without --run', async () => {
    expect(() => parseRunArgument('slowfast')).toThrow(/--run: malformed run/);
    expect(parseRunArgument('a=b=c.json#x')).toEqual({ name: 'a', report: 'b=c.json', label: 'x' });
    await expect(ablation(['--run', `a=${join(dir, 'nope.json')}`, '--out', dir])).rejects.toThrow(
      /cannot read the report/,
    );
    await expect(ablation(['--run', `a=${join(dir, 'gt.json')}`, '--out', dir])).rejects.toThrow(
      /not a LoomBench run report/,
    );
    const slow = join(dir, 'slow-only', 'report.json');
    await expect(ablation(['--run', `a=${slow}`, '--run', `a=${slow}`, '--out', dir])).rejects.toThrow(
      /used twice/,
    );
    const r = await ablation(['--out', dir]);
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/Usage: videoloom-eval ablation/);
  });
});
