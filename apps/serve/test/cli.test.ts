import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/test-server.js';
import { writeTestVideo } from './support/test-videos.js';

const BIN = path.resolve(import.meta.dirname, '../dist/bin/videoloom-serve.js');

describe('videoloom-serve (the built CLI, in its own process)', () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams | undefined;

  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`nx run serve:build\` first`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'videoloom-serve-cli-'));
  });
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the bundled model, the API and the page until SIGTERM, then removes its temporary area', async () => {
    const tmp = path.join(dir, 'tmp');
    const clip = await writeTestVideo(path.join(dir, 'clip.mp4'), {
      width: 64,
      height: 48,
      fps: 12,
      frames: 12,
    });
    spawnSync('mkdir', ['-p', tmp]);
    child = spawn(process.execPath, [BIN, '--port', '0', '--quiet', '--max-duration-s', '30'], {
      env: { ...process.env, TMPDIR: tmp },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    await eventually(() => /listening on /.test(stdout) || child!.exitCode !== null, 30_000);
    const match =
      /listening on (http:\/\/\S+) \(device auto, concurrency 1, queue 8; uploads in (\S+)\)/.exec(stdout);
    expect(match, `stdout: ${stdout}\nstderr: ${stderr}`).not.toBeNull();
    const base = match![1]!;
    const uploads = match![2]!;
    expect(uploads.startsWith(path.join(tmp, `videoloom-serve-${child.pid}`))).toBe(true);

    expect((await fetch(new URL('healthz', base))).status).toBe(200);
    // The bundled tiny VideoLoom loads (MLLM on tfjs, SAM2 on ONNX Runtime), then readiness turns 200.
    await eventually(async () => (await fetch(new URL('readyz', base))).status !== 503, 60_000);
    const ready = await fetch(new URL('readyz', base));
    expect(ready.status, await ready.clone().text()).toBe(200);
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="app.js"></script>');
    const script = await fetch(new URL('app.js', base));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(readFileSync(clip))], { type: 'video/mp4' }), 'clip.mp4');
    const uploaded = await fetch(new URL('v1/videos', base), { method: 'POST', body: form });
    expect(uploaded.status).toBe(201);
    const { videoId } = (await uploaded.json()) as { videoId: string };
    expect(existsSync(path.join(uploads, videoId, 'video.mp4'))).toBe(true);
    // A Where question through the real model.
    const ask = await fetch(new URL('v1/ask', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        videoId,
        task: 'where',
        question: 'Where is the small red circle during 0.00s to 1.00s?',
      }),
    });
    const answer = (await ask.json()) as {
      text: string;
      masks: { frameIndex: number; rle: { size: [number, number]; counts: string } }[];
      video: { frameCount: number; width: number };
    };
    expect(ask.status, JSON.stringify(answer)).toBe(200);
    expect(answer.video).toMatchObject({ frameCount: 12, width: 64 });
    expect(answer.text.length).toBeGreaterThan(0);
    // This clip is not from the tiny model's world: it may not say [SEG]. When it does, every frame
    // gets a mask at the clip's own size.
    if (answer.text.includes('[SEG]')) {
      expect(answer.masks.map((m) => m.frameIndex)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      for (const m of answer.masks) expect(m.rle.size).toEqual([48, 64]);
    } else {
      expect(answer.masks).toEqual([]);
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('SIGTERM, closing');
    expect(existsSync(uploads)).toBe(false);
    expect(existsSync(path.join(tmp, `videoloom-serve-${child.pid}`))).toBe(false);
  }, 180_000);

  it('exits 2 naming a bad flag, and 0 with the usage for --help', () => {
    const bad = spawnSync(process.execPath, [BIN, '--max-upload-mb', 'lots'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--max-upload-mb: expected a positive number of MiB, received "lots".');
    expect(bad.stderr).toContain('Usage: videoloom-serve [options]');
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--concurrency N');
  });
});
