/// <reference lib="dom" />

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../src/annotation/chat-client.js';
import { ColourDescriber, ColourTracker, ContrastPersonDetector } from '../src/character/builtin.js';
import { cocoRleCodec } from '../src/character/metrics-codec.js';
import {
  drawAnnotationOverlays,
  encodeAnnotationImage,
  openFramesWithVideoIo,
} from '../src/frames/video-io-frames.js';
import { runLoomDataPipeline } from '../src/pipeline/loomdata-pipeline.js';
import type { LoomDataModels } from '../src/pipeline/loomdata-stages.js';
import type { LoomDataRecord, VerificationDecisions } from '../src/pipeline/loomdata-types.js';
import { renderFrame } from '../src/synth/render.js';
import { DEFAULT_SYNTH_WORLD, generateScenario } from '../src/synth/scenario.js';
import { startVerificationServer, type VerificationServer } from '../src/verify/server.js';
import { type ChatServer, promptText, startChatServer } from './helpers/chat-server.js';
import { encodeRgbVideo } from './helpers/ffmpeg-frames.js';

const CHROMIUM = process.env.VIDEOLOOM_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(
    `[data] no Chromium at ${CHROMIUM} (apt-get install -y chromium): the verification page browser test is skipped.`,
  );

describe.skipIf(!haveChromium)('manual verification page in a real headless browser', () => {
  let dir: string;
  let chat: ChatServer;
  let page: VerificationServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loomdata-verify-'));
    fs.mkdirSync(path.join(dir, 'in'));
    // Two LoomBench-Synth videos made now: synth-7 (character in shots 0-2, absent in 3), synth-19 (in all 3 shots).
    for (const seed of [7, 19]) {
      const s = generateScenario(seed, {
        ...DEFAULT_SYNTH_WORLD,
        width: 160,
        height: 160,
        distractorCount: { min: 0, max: 0 },
      });
      const frames = Array.from({ length: s.frameCount }, (_, f) => renderFrame(s, f).rgb);
      encodeRgbVideo(frames, 160, 160, s.world.fps, path.join(dir, 'in', `synth-${seed}.mp4`));
    }
    chat = await startChatServer((body) => {
      const last = /The last frame ID of this shot is (\d+)\./.exec(promptText(body));
      if (last) return { content: `from 0 to ${last[1]}: The person moves around the frame.` };
      return {
        content:
          'Combined question: Where is the person when moving around?\nWhere question: Where is the person during 0.00s to 1.00s?\nWhen question: When does the person move around?',
      };
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await chat?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const models = (): LoomDataModels => ({
    openFrames: openFramesWithVideoIo(),
    detector: new ContrastPersonDetector(),
    describer: new ColourDescriber(),
    tracker: new ColourTracker(),
    maskCodec: cocoRleCodec,
    drawOverlays: drawAnnotationOverlays,
    encodeImage: encodeAnnotationImage,
    annotationClient: new ChatClient({ baseUrl: chat.baseUrl, model: 'scripted', initialBackoffMs: 5 }),
  });

  it('shows reference and shot frames, saves each decision as it is made, and the pipeline applies them', async () => {
    const outDir = path.join(dir, 'out');
    const run = () =>
      runLoomDataPipeline({
        inputDir: path.join(dir, 'in'),
        outDir,
        models: models(),
        config: { workWidth: 320, manualVerification: true },
      });
    const waiting = await run();
    expect(waiting.outcomes.map((o) => [o.videoId, o.status, o.lastStage])).toEqual([
      ['synth-19', 'failed', 'verify'],
      ['synth-7', 'failed', 'verify'],
    ]);
    expect(waiting.outcomes[0]!.reason).toContain('awaiting manual verification');

    page = await startVerificationServer({
      outDir,
      openFrames: openFramesWithVideoIo(),
      maskCodec: cocoRleCodec,
      encodePng: (img) => encodeAnnotationImage(img).bytes,
      workWidth: 320,
    });
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
    const tab = await browser.newPage();
    await tab.goto(page.url);
    // Round 1 comes first: synth-7's shot 3 has no tracklet.
    await expect.poll(() => tab.textContent('#status')).toBe('Round 1 · video synth-7 · shot 3 · 7 left');
    // Both frames arrive as real PNGs decoded by the browser, at the work size of the synthetic video.
    await tab.waitForFunction(() =>
      ['reference', 'shot'].every((id) => (document.getElementById(id) as HTMLImageElement).naturalWidth > 0),
    );
    for (const id of ['#reference', '#shot'])
      expect(await tab.$eval(id, (img) => (img as HTMLImageElement).naturalWidth)).toBe(160);
    const shots = process.env.VIDEOLOOM_SCREENSHOT_DIR ?? path.join(dir, 'screenshots');
    fs.mkdirSync(shots, { recursive: true });
    await tab.screenshot({ path: path.join(shots, 'verification-round1.png') });

    await tab.click('button[data-decision="ok"]');
    // Saved at once, before anything else is decided.
    await expect.poll(() => fs.existsSync(path.join(outDir, 'videos/synth-7/verification.json'))).toBe(true);
    const afterFirst: VerificationDecisions = JSON.parse(
      fs.readFileSync(path.join(outDir, 'videos/synth-7/verification.json'), 'utf8'),
    );
    expect(afterFirst).toEqual({ round1: { 3: 'ok' }, round2: {} });

    // Round 2: synth-19's first shot is marked incorrect (the video is discarded and its other shots skipped) ...
    await expect.poll(() => tab.textContent('#status')).toBe('Round 2 · video synth-19 · shot 0 · 6 left');
    await tab.keyboard.press('i');
    // ... then synth-7: shots 0 and 2 correct, shot 1 redundant.
    await expect.poll(() => tab.textContent('#status')).toBe('Round 2 · video synth-7 · shot 0 · 3 left');
    await tab.click('button[data-decision="correct"]');
    await expect.poll(() => tab.textContent('#status')).toBe('Round 2 · video synth-7 · shot 1 · 2 left');
    await tab.click('button[data-decision="redundant"]');
    await expect.poll(() => tab.textContent('#status')).toBe('Round 2 · video synth-7 · shot 2 · 1 left');
    await tab.click('button[data-decision="correct"]');
    await expect.poll(() => tab.textContent('#status')).toBe('Done');
    expect(await tab.isVisible('#done')).toBe(true);
    expect(
      JSON.parse(fs.readFileSync(path.join(outDir, 'videos/synth-7/verification.json'), 'utf8')),
    ).toEqual({
      round1: { 3: 'ok' },
      round2: { 0: 'correct', 1: 'redundant', 2: 'correct' },
    });
    // A reload shows nothing left: decisions persist on disk, not in the page.
    await tab.reload();
    await expect.poll(() => tab.textContent('#status')).toBe('Done');

    // Rerun: the decisions are applied.
    const applied = await run();
    expect(applied.outcomes.find((o) => o.videoId === 'synth-19')).toMatchObject({
      status: 'discarded',
      lastStage: 'verify',
    });
    expect(applied.outcomes.find((o) => o.videoId === 'synth-19')!.reason).toContain(
      'incorrect tracklet in shot(s) 0',
    );
    expect(applied.outcomes.find((o) => o.videoId === 'synth-7')).toMatchObject({ status: 'complete' });
    const record: LoomDataRecord = JSON.parse(
      fs.readFileSync(path.join(outDir, 'videos/synth-7/loomdata.json'), 'utf8'),
    );
    // Shot 1's mask was dropped, so shots 0 and 2 are no longer adjacent tracked shots: two segments.
    expect(record.segments.map((s) => s.shotIndices)).toEqual([[0], [2]]);
    const shot1 = record.shots[1]!;
    expect(record.tracklet.slice(shot1.startFrameIndex, shot1.endFrameIndex).every((m) => m === null)).toBe(
      true,
    );
    expect(
      record.tracklet
        .slice(record.shots[0]!.startFrameIndex, record.shots[0]!.endFrameIndex)
        .some((m) => m !== null),
    ).toBe(true);
  }, 240_000);

  it('refuses a decision that does not fit the shot', async () => {
    expect(page).toBeDefined();
    const res = await fetch(`${page!.url}api/videos/synth-7/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ round: 1, shotIndex: 0, decision: 'missing' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('shot 0 of synth-7 takes no round-1 decision "missing"');
  });
});
