import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSynthSplit } from '@videoloom/data';
import { bundledTinyCheckpointDir } from '@videoloom/llm-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoomBench } from './run-loombench.js';

describe('videoloom-eval run: the bundled tiny VideoLoom over a generated LoomBench-Synth split', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'videoloom-run-'));
    await writeSynthSplit({ split: 'test', count: 1, outDir: join(dir, 'split') });
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('predicts every item (spans for When/Combined, one mask slot per scored frame), reports, and resumes', async () => {
    const out = join(dir, 'out');
    const outcome = await runLoomBench({
      checkpoint: bundledTinyCheckpointDir(),
      split: join(dir, 'split'),
      out,
      examples: 1,
      device: 'wasm',
    });
    const gt = JSON.parse(readFileSync(join(dir, 'split', 'loombench-gt.json'), 'utf8')) as {
      items: { id: string; task: string; frameTimesSeconds?: number[] }[];
    };
    const pred = JSON.parse(readFileSync(join(out, 'predictions.json'), 'utf8')) as {
      items: { id: string; span?: unknown; masks?: ({ size: number[] } | null)[] }[];
    };
    expect(pred.items.map((p) => p.id).sort()).toEqual(gt.items.map((g) => g.id).sort());
    for (const g of gt.items) {
      const p = pred.items.find((x) => x.id === g.id)!;
      if (g.task !== 'where') expect(p).toHaveProperty('span');
      if (g.task !== 'when') {
        expect(p.masks).toHaveLength(g.frameTimesSeconds!.length);
        for (const m of p.masks!) if (m) expect(m.size).toEqual([128, 128]);
      }
    }
    // The trained model says [SEG] for Where questions: most Where items get real masks.
    const where = pred.items.filter((p) => gt.items.find((g) => g.id === p.id)!.task === 'where');
    expect(where.filter((p) => p.masks!.some((m) => m !== null)).length).toBeGreaterThan(where.length / 2);
    expect(outcome.text).toContain('Constant span');
    expect(outcome.text).toContain('VideoLoom');
    expect(outcome.files.examples).toHaveLength(1);
    // A rerun reuses the finished video instead of answering again.
    const itemFile = join(out, 'items', readdirSync(join(out, 'items'))[0]!);
    const before = statSync(itemFile).mtimeMs;
    await runLoomBench({
      checkpoint: bundledTinyCheckpointDir(),
      split: join(dir, 'split'),
      out,
      examples: 0,
      device: 'wasm',
    });
    expect(statSync(itemFile).mtimeMs).toBe(before);
  }, 300_000);
});
