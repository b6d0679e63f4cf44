/// <reference lib="dom" />

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FfmpegVideoSource, type VideoInfo } from '@videoloom/video-io';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWebRoot } from '../src/web-root.js';
import { expectedTestAnswer, testMaskBox } from './support/deterministic-test-engine.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { writeTestVideo } from './support/test-videos.js';

const CHROMIUM = process.env.VIDEOLOOM_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(
    `[serve] no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set VIDEOLOOM_CHROMIUM): the web page browser test is skipped.`,
  );

const REPO = path.resolve(import.meta.dirname, '../../..');
const SPEC = { width: 160, height: 120, fps: 12, frames: 24 } as const;

/** The mask canvas: which frame's mask it shows, and its foreground (alpha > 0) pixels. */
async function canvasState(page: Page): Promise<{
  frameIndex: string;
  width: number;
  height: number;
  filled: number;
  at: (x: number, y: number) => boolean;
}> {
  const state = await page.evaluate(() => {
    const canvas = document.getElementById('mask') as HTMLCanvasElement;
    const context = canvas.getContext('2d') as CanvasRenderingContext2D;
    const { width, height } = canvas;
    const alpha: number[] = [];
    if (width > 0 && height > 0) {
      const data = context.getImageData(0, 0, width, height).data;
      for (let i = 3; i < data.length; i += 4) alpha.push(data[i] as number);
    }
    return { frameIndex: canvas.dataset.frameIndex ?? '', width, height, alpha };
  });
  return {
    frameIndex: state.frameIndex,
    width: state.width,
    height: state.height,
    filled: state.alpha.filter((a) => a > 0).length,
    at: (x, y) => (state.alpha[y * state.width + x] ?? 0) > 0,
  };
}

async function seek(page: Page, seconds: number): Promise<void> {
  await page.evaluate(
    (t) =>
      new Promise<void>((resolve) => {
        const video = document.getElementById('video') as HTMLVideoElement;
        video.addEventListener('seeked', () => resolve(), { once: true });
        video.currentTime = t;
      }),
    seconds,
  );
  // The page draws on 'seeked'; give its handler one frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
}

describe.skipIf(!haveChromium)('the web page in a real headless Chromium', () => {
  let dir: string;
  let clip: string;
  let info: VideoInfo;
  let t: TestServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const webRoot = defaultWebRoot();
    if (!webRoot || !fs.existsSync(path.join(webRoot, 'app.js')))
      throw new Error(`the page is not built (${webRoot}/app.js missing): run \`nx run serve:build\` first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videoloom-serve-page-'));
    clip = await writeTestVideo(path.join(dir, 'square.mp4'), SPEC);
    info = await new FfmpegVideoSource().probe(clip);
    t = await startTestServer({ stepMs: 5 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.server.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uploads, asks, shows the span on the timeline and the masks over the video in sync with its time', async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 760 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(t.server.url);
    await expect.poll(() => page.textContent('#engine-status')).toBe('engine: ready');

    await page.setInputFiles('#file', clip);
    await page.waitForSelector('body[data-state="uploaded"]', { timeout: 30_000 });
    expect(await page.textContent('#upload-status')).toBe(
      `square.mp4: 160×120, 12.00 fps, 24 frames, ${info.durationSeconds.toFixed(2)} s`,
    );
    // The browser decodes the stored file (served with Range support) far enough to show frames.
    await page.waitForFunction(
      () => (document.getElementById('video') as HTMLVideoElement).readyState >= 2,
      null,
      {
        timeout: 30_000,
      },
    );
    expect(
      await page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).error),
    ).toBeNull();

    await page.check('input[name="task"][value="combined"]');
    await page.fill('#question', 'Where is the square while it crosses the middle?');
    await page.click('#ask');
    await page.waitForSelector('body[data-state="answered"]', { timeout: 30_000 });

    const expected = expectedTestAnswer(info, {
      task: 'combined',
      question: 'Where is the square while it crosses the middle?',
    });
    expect(await page.textContent('#answer')).toBe(expected.text);
    expect(await page.textContent('#progress')).toBe(`Done: ${expected.masks.length} masks.`);

    // Timeline: the span sits at start/duration .. end/duration of the bar.
    const span = expected.span!;
    const bar = (await page.locator('#timeline').boundingBox())!;
    const box = (await page.locator('#timeline-span').boundingBox())!;
    const duration = info.durationSeconds;
    expect((box.x - bar.x) / bar.width).toBeCloseTo(span.startSeconds / duration, 2);
    expect(box.width / bar.width).toBeCloseTo((span.endSeconds - span.startSeconds) / duration, 2);
    expect(await page.textContent('#span-label')).toBe(
      `Predicted span: ${span.startSeconds.toFixed(2)} s – ${span.endSeconds.toFixed(2)} s`,
    );

    const mask = testMaskBox(SPEC.width, SPEC.height);
    const inside = { x: (mask.x0 + mask.x1) >> 1, y: (mask.y0 + mask.y1) >> 1 };
    const boxArea = (mask.x1 - mask.x0) * (mask.y1 - mask.y0);

    // Seek into the span: frame 12's mask, decoded in the page by the metrics RLE codec, pixel-exact.
    await seek(page, (12 + 0.5) / SPEC.fps);
    let state = await canvasState(page);
    expect(state.frameIndex).toBe('12');
    expect([state.width, state.height]).toEqual([SPEC.width, SPEC.height]);
    expect(state.filled).toBe(boxArea);
    expect(state.at(inside.x, inside.y)).toBe(true);
    expect(state.at(mask.x0, mask.y0)).toBe(true);
    expect(state.at(mask.x1, mask.y0)).toBe(false);
    expect(state.at(mask.x0 - 1, mask.y0)).toBe(false);
    expect(state.at(5, 5)).toBe(false);

    // The mask canvas covers the video exactly.
    const videoBox = (await page.locator('#video').boundingBox())!;
    const canvasBox = (await page.locator('#mask').boundingBox())!;
    expect(canvasBox).toEqual(videoBox);
    fs.mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO, 'test-results', 'serve-page.png') });

    // Before the span there is no mask; at the span's first frame there is.
    await seek(page, 0.5 / SPEC.fps);
    state = await canvasState(page);
    expect(state.frameIndex).toBe('');
    expect(state.filled).toBe(0);
    const firstMasked = expected.masks[0]!.frameIndex;
    await seek(page, (firstMasked + 0.5) / SPEC.fps);
    state = await canvasState(page);
    expect(state.frameIndex).toBe(String(firstMasked));
    expect(state.filled).toBe(boxArea);

    // While the video plays, the mask appears on its own as playback enters the span.
    await seek(page, 0);
    await page.evaluate(() => {
      const video = document.getElementById('video') as HTMLVideoElement;
      video.playbackRate = 0.5;
      return video.play();
    });
    const seen = await page.waitForFunction(
      ({ x, y }) => {
        const video = document.getElementById('video') as HTMLVideoElement;
        const canvas = document.getElementById('mask') as HTMLCanvasElement;
        if (video.paused || !canvas.dataset.frameIndex || canvas.width === 0) return false;
        const alpha = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(x, y, 1, 1)
          .data[3] as number;
        return alpha > 0 ? { frameIndex: Number(canvas.dataset.frameIndex), time: video.currentTime } : false;
      },
      inside,
      { timeout: 20_000, polling: 'raf' },
    );
    const during = (await seen.jsonValue()) as { frameIndex: number; time: number };
    expect(during.frameIndex).toBeGreaterThanOrEqual(firstMasked);
    expect(during.frameIndex).toBeLessThanOrEqual(expected.masks.at(-1)!.frameIndex);
    // The mask shown is the frame on screen (give or take the frame the compositor is presenting).
    expect(Math.abs(during.frameIndex - Math.floor(during.time * SPEC.fps))).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(REPO, 'test-results', 'serve-page-playing.png') });
    await page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).pause());

    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows the server error when an upload is refused', async () => {
    const page = await browser!.newPage();
    await page.goto(t.server.url);
    const notes = path.join(dir, 'notes.mp4');
    fs.writeFileSync(notes, 'not a video at all\n'.repeat(20));
    await page.setInputFiles('#file', notes);
    await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
    expect(await page.textContent('#error')).toMatch(
      /"notes\.mp4" is not a readable video container .*\(422 not_a_video\)$/,
    );
    expect(await page.isDisabled('#ask')).toBe(true);
    await page.close();
  }, 60_000);
});
