import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../src/annotation/chat-client.js';
import { ColourDescriber, ColourTracker, ContrastPersonDetector } from '../src/character/builtin.js';
import { cocoRleCodec } from '../src/character/metrics-codec.js';
import type { OpenFrames } from '../src/frames/frame-source.js';
import {
  drawAnnotationOverlays,
  encodeAnnotationImage,
  openFramesWithVideoIo,
} from '../src/frames/video-io-frames.js';
import { runLoomDataPipeline } from '../src/pipeline/loomdata-pipeline.js';
import type { LoomDataModels } from '../src/pipeline/loomdata-stages.js';
import type { CharacterFile, LoomDataRecord, ShotsFile } from '../src/pipeline/loomdata-types.js';
import type { LoomBenchQuestion } from '../src/synth/questions.js';
import { renderFrame } from '../src/synth/render.js';
import { DEFAULT_SYNTH_WORLD, generateScenario } from '../src/synth/scenario.js';
import { videoTruth } from '../src/synth/truth.js';
import { type ChatServer, imageCount, promptText, startChatServer } from './helpers/chat-server.js';
import { encodeRgbVideo, makeConcatenation, sharedVideosDir } from './helpers/ffmpeg-frames.js';

const videos = sharedVideosDir();
const haveVideos = fs.existsSync(path.join(videos, '01_dog.mp4'));
if (!haveVideos)
  console.warn(`[data] shared real videos not found at ${videos}: the end-to-end pipeline test is skipped.`);

/** A scripted multimodal model: valid "from A to B" answers (one invalid first answer), and three questions per description. */
function modelReply(
  body: Parameters<Parameters<typeof startChatServer>[0]>[0],
  index: number,
  failQuestions: { refuseNext: boolean },
) {
  const prompt = promptText(body);
  const last = /The last frame ID of this shot is (\d+)\./.exec(prompt);
  if (last) {
    const n = Number(last[1]) + 1;
    expect(imageCount(body)).toBe(n);
    if (index === 0)
      return { content: `from 0 to 3: The person stands.\nfrom 4 to ${n - 1}: The person moves.` };
    if (n < 26) return { content: `from 0 to ${n - 1}: The person in view moves steadily across the frame.` };
    const h = Math.floor(n / 2);
    return {
      content: `from 0 to ${h - 1}: The person walks to the left.\nfrom ${h} to ${n - 1}: The person turns and walks back to the right.`,
    };
  }
  const input = /## Input\n(\d+\.\d+)s - (\d+\.\d+)s: (.+)\n/.exec(prompt);
  if (input) {
    if (failQuestions.refuseNext) {
      failQuestions.refuseNext = false;
      return { status: 400, body: '{"error":{"message":"scripted refusal"}}' };
    }
    return {
      content: `Combined question: Where is the person when ${input[3]}?\nWhere question: Where is the person during ${input[1]}s to ${input[2]}s?\nWhen question: When does this happen: ${input[3]}`,
    };
  }
  return { status: 400, body: '{"error":{"message":"unknown prompt"}}' };
}

/** video-io decoding that counts the passes opened (the resume test checks none are reopened). */
function countingOpenFrames(counter: { opened: number }): OpenFrames {
  const open = openFramesWithVideoIo();
  return (videoPath, options) => {
    counter.opened++;
    return open(videoPath, options);
  };
}

describe.skipIf(!haveVideos)('LoomData pipeline end to end on real videos', () => {
  let dir: string;
  let server: ChatServer;
  const failQuestions = { refuseNext: false };
  let cutFrames: number[] = [];
  let synthShotStarts: number[] = [];
  let synthPresent: boolean[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loomdata-e2e-'));
    const input = path.join(dir, 'in');
    fs.mkdirSync(input);
    const clip = (n: string) => path.join(videos, n);
    cutFrames = makeConcatenation(
      [
        { file: clip('05_default_juggle.mp4'), startFrame: 0, endFrame: 75 },
        { file: clip('04_coffee.mp4'), startFrame: 0, endFrame: 60 },
        { file: clip('05_default_juggle.mp4'), startFrame: 120, endFrame: 200 },
      ],
      path.join(input, 'concat.mp4'),
      { width: 320, height: 180, fps: 30 },
    ).cutFrames;
    fs.copyFileSync(clip('bedroom.mp4'), path.join(input, 'bedroom.mp4'));
    // A LoomBench-Synth video, rendered and encoded now.
    const scenario = generateScenario(7, {
      ...DEFAULT_SYNTH_WORLD,
      width: 160,
      height: 160,
      distractorCount: { min: 0, max: 0 },
    });
    const frames = Array.from({ length: scenario.frameCount }, (_, f) => renderFrame(scenario, f).rgb);
    encodeRgbVideo(frames, 160, 160, scenario.world.fps, path.join(input, 'synth-7.mp4'));
    synthShotStarts = videoTruth(scenario)
      .shots.slice(1)
      .map((s) => s.startFrame);
    synthPresent = videoTruth(scenario).shots.map((s) => s.mainPresent);
    server = await startChatServer((body, i) => modelReply(body, i, failQuestions));
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const models = (counter: { opened: number }): LoomDataModels => {
    const client = new ChatClient({
      baseUrl: server.baseUrl,
      model: 'scripted-vlm',
      apiKey: 'k',
      initialBackoffMs: 5,
      maxRetries: 1,
    });
    return {
      openFrames: countingOpenFrames(counter),
      detector: new ContrastPersonDetector(),
      describer: new ColourDescriber(),
      tracker: new ColourTracker(),
      maskCodec: cocoRleCodec,
      drawOverlays: drawAnnotationOverlays,
      encodeImage: encodeAnnotationImage,
      annotationClient: client,
    };
  };

  it('produces LoomData and LoomBench files for a folder of real videos, and resumes only unfinished work', async () => {
    const outDir = path.join(dir, 'out');
    const progress: string[] = [];
    // Run 1: the question model refuses one request (a non-retryable 400), so one video fails at the last stage.
    failQuestions.refuseNext = true;
    const firstCounter = { opened: 0 };
    const first = await runLoomDataPipeline({
      inputDir: path.join(dir, 'in'),
      outDir,
      models: models(firstCounter),
      config: { workWidth: 320 },
      progress: { write: (t: string) => progress.push(t) },
    });
    expect(progress.some((l) => /^shots\s+\[#+\] 3\/3 ETA 0s/.test(l))).toBe(true);
    const byId = Object.fromEntries(first.outcomes.map((o) => [o.videoId, o]));

    // Shot partition of the concatenation: exactly the true cuts.
    const concatShots: ShotsFile = JSON.parse(
      fs.readFileSync(path.join(outDir, 'videos/concat/shots.json'), 'utf8'),
    );
    expect(concatShots.shots.slice(1).map((s) => s.startFrameIndex)).toEqual(cutFrames);
    // The synthetic video's shots start where its truth says.
    const synthShots: ShotsFile = JSON.parse(
      fs.readFileSync(path.join(outDir, 'videos/synth-7/shots.json'), 'utf8'),
    );
    expect(synthShots.shots.slice(1).map((s) => s.startFrameIndex)).toEqual(synthShotStarts);
    // The built-in detector/describer/tracker find the synthetic main character exactly in the shots it is in.
    const synthCharacter: CharacterFile = JSON.parse(
      fs.readFileSync(path.join(outDir, 'videos/synth-7/character.json'), 'utf8'),
    );
    expect(synthCharacter.shots.map((s) => s.hasTracklet)).toEqual(synthPresent);
    // bedroom is one continuous shot.
    const bedroomShots: ShotsFile = JSON.parse(
      fs.readFileSync(path.join(outDir, 'videos/bedroom/shots.json'), 'utf8'),
    );
    expect(bedroomShots.shots).toHaveLength(1);

    // One video failed at the question stage; the others went through every stage.
    const failed = first.outcomes.filter((o) => o.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ lastStage: 'questions' });
    expect(failed[0]!.reason).toContain('VL_ChatRequestError');
    expect(first.outcomes.filter((o) => o.status === 'complete')).toHaveLength(2);
    expect(byId.concat).toBeDefined();
    expect(first.summary.videos.failed.map((f) => f.videoId)).toEqual([failed[0]!.videoId]);

    // Run 2: only the failed video's question stage runs again; no video is decoded again.
    const requestsBefore = server.requests.length;
    const secondCounter = { opened: 0 };
    const second = await runLoomDataPipeline({
      inputDir: path.join(dir, 'in'),
      outDir,
      models: models(secondCounter),
      config: { workWidth: 320 },
    });
    expect(secondCounter.opened).toBe(0);
    const newPrompts = server.requests.slice(requestsBefore).map((r) => promptText(r.body));
    const failedRecord: LoomDataRecord = JSON.parse(
      fs.readFileSync(path.join(outDir, 'videos', failed[0]!.videoId, 'loomdata.json'), 'utf8'),
    );
    expect(newPrompts).toHaveLength(failedRecord.segments.flatMap((s) => s.descriptions).length);
    expect(newPrompts.every((p) => p.includes('## Input'))).toBe(true);
    const complete = second.outcomes.filter((o) => o.status === 'complete');
    expect(complete.map((o) => o.videoId)).toEqual(['bedroom', 'concat', 'synth-7']);

    // The records: descriptions cover each segment without gaps; masks decode at the recorded size.
    const records: LoomDataRecord[] = JSON.parse(fs.readFileSync(path.join(outDir, 'loomdata.json'), 'utf8'));
    expect(records.length).toBe(complete.length);
    for (const r of records) {
      for (const seg of r.segments) {
        expect(seg.descriptions[0]!.startSeconds).toBeCloseTo(seg.startSeconds, 6);
        expect(seg.descriptions.at(-1)!.endSeconds).toBeCloseTo(seg.endSeconds, 6);
        for (let i = 1; i < seg.descriptions.length; i++)
          expect(seg.descriptions[i]!.startSeconds).toBe(seg.descriptions[i - 1]!.endSeconds);
      }
      const first = r.tracklet.find((m) => m !== null)!;
      expect(cocoRleCodec.decode(first).length).toBe(r.mainCharacter.maskWidth * r.mainCharacter.maskHeight);
      const character: CharacterFile = JSON.parse(
        fs.readFileSync(path.join(outDir, 'videos', r.videoId, 'character.json'), 'utf8'),
      );
      expect(character.description).toMatch(/^a person/);
    }
    // The first annotation answer was invalid (a 4-frame range) and was retried, not kept.
    const annotated = records.flatMap((r) => r.segments.flatMap((s) => s.descriptions));
    expect(annotated.every((d) => d.endFrameId - d.startFrameId + 1 >= 13 || d.startFrameId === 0)).toBe(
      true,
    );
    expect(annotated.some((d) => d.text === 'The person stands.')).toBe(false);

    const questions: LoomBenchQuestion[] = JSON.parse(
      fs.readFileSync(path.join(outDir, 'loombench.json'), 'utf8'),
    );
    expect(questions.length).toBe(annotated.length * 3);
    expect(new Set(questions.map((q) => q.type))).toEqual(new Set(['when', 'where', 'combined']));
    const tg = JSON.parse(fs.readFileSync(path.join(outDir, 'temporal-grounding.json'), 'utf8'));
    expect(Object.keys(tg).sort()).toEqual(records.map((r) => r.videoId).sort());
    const meta = JSON.parse(fs.readFileSync(path.join(outDir, 'refvos/meta_expressions.json'), 'utf8'));
    const maskDict = JSON.parse(fs.readFileSync(path.join(outDir, 'refvos/mask_dict.json'), 'utf8'));
    for (const r of records) {
      const v = meta.videos[r.videoId];
      expect(v.frames).toHaveLength(r.video.frameCount);
      expect(maskDict[v.expressions['0'].anno_id[0]]).toHaveLength(r.video.frameCount);
    }
    const summary = JSON.parse(fs.readFileSync(path.join(outDir, 'summary.json'), 'utf8'));
    expect(summary.videos.total).toBe(3);
    expect(summary.videos.kept + summary.videos.discarded.length + summary.videos.failed.length).toBe(3);
    expect(summary.segments.total).toBe(records.reduce((n, r) => n + r.segments.length, 0));
    const png = PNG.sync.read(fs.readFileSync(path.join(outDir, 'shot-length-histogram.png')));
    expect(png.width).toBeGreaterThan(100);
  }, 300_000);
});
