import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { histogram, renderHistogramPng } from './histogram.js';
import { formatDuration, StageProgress } from './progress.js';
import { type PipelineManifest, type PipelineStage, runStages } from './runner.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loomdata-runner-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const videos = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ videoId: id, videoPath: `/videos/${id}.mp4` }));

/** Two stages: `count` writes a number per video, `double` reads it and doubles it. */
function stages(calls: string[], options: { failOn?: string; factor?: number; discard?: string } = {}) {
  const count: PipelineStage = {
    name: 'count',
    version: '1',
    output: 'count.json',
    config: {},
    async run(job) {
      calls.push(`count:${job.videoId}`);
      if (job.videoId === options.failOn) throw new Error(`boom on ${job.videoId}`);
      if (job.videoId === options.discard) return { discarded: { reason: 'too many shots' } };
      return { value: job.videoId.charCodeAt(0) };
    },
  };
  const double: PipelineStage = {
    name: 'double',
    version: '1',
    output: 'double.json',
    config: { factor: options.factor ?? 2 },
    inputs: ['count.json'],
    async run(job) {
      calls.push(`double:${job.videoId}`);
      const { value } = JSON.parse(fs.readFileSync(path.join(job.dir, 'count.json'), 'utf8'));
      return { value: value * (options.factor ?? 2) };
    },
  };
  return [count, double];
}

describe('runStages', () => {
  it('runs every stage per video, then skips finished work on a rerun', async () => {
    const outDir = tempDir();
    const calls: string[] = [];
    const first = await runStages({ outDir, videos, stages: stages(calls) });
    expect(first.every((o) => o.status === 'complete')).toBe(true);
    expect(calls).toHaveLength(10);
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'videos/a/double.json'), 'utf8'))).toEqual({
      value: 194,
    });
    calls.length = 0;
    await runStages({ outDir, videos, stages: stages(calls) });
    expect(calls).toEqual([]);
    const manifest: PipelineManifest = JSON.parse(
      fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8'),
    );
    expect(manifest.runs).toHaveLength(2);
    expect(manifest.stages.double!.config).toEqual({ factor: 2 });
    expect(manifest.videos.c!.double!.status).toBe('done');
  });

  it('resumes after a failure: only the failed video runs again, and nothing half-written is left', async () => {
    const outDir = tempDir();
    const calls: string[] = [];
    const first = await runStages({ outDir, videos, stages: stages(calls, { failOn: 'c' }) });
    expect(first.find((o) => o.videoId === 'c')).toMatchObject({ status: 'failed', lastStage: 'count' });
    expect(first.find((o) => o.videoId === 'c')!.reason).toContain('boom on c');
    expect(calls).not.toContain('double:c');
    calls.length = 0;
    const second = await runStages({ outDir, videos, stages: stages(calls) });
    expect(calls).toEqual(['count:c', 'double:c']);
    expect(second.every((o) => o.status === 'complete')).toBe(true);
    const leftovers = fs.readdirSync(outDir, { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('reruns a stage whose config changed, and what depends on a changed input file', async () => {
    const outDir = tempDir();
    const calls: string[] = [];
    await runStages({ outDir, videos, stages: stages(calls) });
    calls.length = 0;
    await runStages({ outDir, videos, stages: stages(calls, { factor: 3 }) });
    expect(calls.sort()).toEqual(videos.map((v) => `double:${v.videoId}`).sort());
    // A hand edit of an upstream file changes the fingerprint of its consumers.
    fs.writeFileSync(path.join(outDir, 'videos/b/count.json'), '{"value": 1}\n');
    calls.length = 0;
    await runStages({ outDir, videos, stages: stages(calls, { factor: 3 }) });
    expect(calls).toEqual(['double:b']);
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'videos/b/double.json'), 'utf8'))).toEqual({
      value: 3,
    });
  });

  it('takes a discarded video out of later stages', async () => {
    const outDir = tempDir();
    const calls: string[] = [];
    const out = await runStages({ outDir, videos, stages: stages(calls, { discard: 'd' }) });
    expect(out.find((o) => o.videoId === 'd')).toMatchObject({
      status: 'discarded',
      reason: 'too many shots',
    });
    expect(calls).not.toContain('double:d');
  });

  it('keeps at most `concurrency` videos in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow: PipelineStage = {
      name: 'slow',
      version: '1',
      output: 'slow.json',
      config: {},
      async run() {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 15));
        inFlight--;
        return {};
      },
    };
    await runStages({ outDir: tempDir(), videos, stages: [slow], concurrency: 2 });
    expect(maxInFlight).toBe(2);
  });
});

describe('progress and histogram', () => {
  it('estimates the ETA from the videos processed in this run, ignoring skipped ones', () => {
    let now = 0;
    const lines: string[] = [];
    const bar = new StageProgress('shots', 4, { write: (t: string) => lines.push(t) }, () => now);
    bar.tick('skipped');
    now = 10_000;
    bar.tick('done');
    // 10 s for one processed video, two left: 20 s.
    expect(bar.etaSeconds()).toBeCloseTo(20, 9);
    expect(lines.at(-1)).toContain('2/4 (1 skipped) ETA 20s');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(185)).toBe('3m05s');
  });

  it('bins shot lengths and draws one bar per bin, tallest for the fullest bin', () => {
    const h = histogram([1, 2, 6, 7, 8, 12, 61, 400], 5, 60);
    expect(h.counts).toEqual([2, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    const png = PNG.sync.read(Buffer.from(renderHistogramPng(h)));
    expect(png.width).toBe(24 * 2 + 12 * 28);
    // Column through the middle of each bar: count blue pixels.
    const blueHeight = (bin: number) => {
      const x = 24 + bin * 28 + 14;
      let n = 0;
      for (let y = 0; y < png.height; y++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i] === 66 && png.data[i + 1] === 110 && png.data[i + 2] === 200) n++;
      }
      return n;
    };
    expect(blueHeight(1)).toBe(146);
    expect(blueHeight(0)).toBe(Math.round((2 / 3) * 146));
    expect(blueHeight(3)).toBe(0);
  });
});
