import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateScenario, renderFrame, type SynthVideoRecord, splitSeeds } from '@videoloom/data';
import { decodeRle, parseLoomBenchFile } from '@videoloom/metrics';
import { FfmpegVideoSource } from '@videoloom/video-io';
import { afterAll, describe, expect, it } from 'vitest';
import { runDataCli } from './run-data-cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videoloom-data-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sink(): NodeJS.WriteStream & { text: string } {
  const s = {
    text: '',
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
    isTTY: false,
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('videoloom-data synth', () => {
  const out = path.join(dir, 'test-split');

  it('writes real mp4 videos whose frames and masks are the rendered world', async () => {
    const log = sink();
    expect(await runDataCli(['synth', '--split', 'test', '--count', '2', '--out', out], log)).toBe(0);
    expect(log.text).toContain('synth');
    const record = JSON.parse(
      fs.readFileSync(path.join(out, 'truth', 'synth-test-00000.json'), 'utf8'),
    ) as SynthVideoRecord;
    const scenario = generateScenario(splitSeeds('test', 1)[0]!, undefined, record.videoId);
    expect(record.frameCount).toBe(scenario.frameCount);
    expect(record.masks).toHaveLength(scenario.frameCount);

    const source = new FfmpegVideoSource();
    const info = await source.probe(path.join(out, 'videos', record.videoFile));
    expect(info.frameCount).toBe(scenario.frameCount);
    expect(info.frameRate).toEqual({ numerator: scenario.world.fps, denominator: 1 });

    // Decoded frame k is the rendered frame k (lossy H.264: close, and far closer than frame k+1).
    const k = Math.floor(scenario.frameCount / 2);
    const decoded = [];
    for await (const f of source.decode(info, { outputs: [{ name: 'f', frameIndices: [k, k + 1] }] }))
      decoded.push(f);
    const rendered = renderFrame(scenario, k).rgb;
    const mae = (a: Uint8Array) => a.reduce((sum, v, i) => sum + Math.abs(v - rendered[i]!), 0) / a.length;
    expect(mae(decoded[0]!.data)).toBeLessThan(4);

    // Truth masks decode to exactly the rendered masks.
    expect(decodeRle(record.masks[k]!).data).toEqual(renderFrame(scenario, k).mainMask);

    const gt = parseLoomBenchFile(
      JSON.parse(fs.readFileSync(path.join(out, 'loombench-gt.json'), 'utf8')),
      'gt',
      'gt',
    );
    expect(gt.items.length).toBeGreaterThan(0);
    expect(new Set(gt.items.map((i) => i.task))).toEqual(new Set(['when', 'where', 'combined']));
  }, 120_000);

  it('resumes: a rerun skips finished videos and rewrites none of them', async () => {
    const video = path.join(out, 'videos', 'synth-test-00001.mp4');
    const before = fs.statSync(video).mtimeMs;
    fs.rmSync(path.join(out, 'truth', 'synth-test-00000.json'));
    const log = sink();
    expect(await runDataCli(['synth', '--split', 'test', '--count', '2', '--out', out], log)).toBe(0);
    expect(log.text).toContain('(1 skipped)');
    expect(fs.statSync(video).mtimeMs).toBe(before);
    expect(fs.existsSync(path.join(out, 'truth', 'synth-test-00000.json'))).toBe(true);
  }, 120_000);

  it('rejects bad arguments with a message and exit code 2', async () => {
    const log = sink();
    expect(await runDataCli(['synth', '--split', 'dev', '--out', out], log)).toBe(2);
    expect(log.text).toContain('--split must be train, val or test, received "dev".');
    expect(await runDataCli(['loomdata', '--videos', dir], sink())).toBe(2);
  });
});
