import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, promptText, startChatServer } from '../../test/helpers/chat-server.js';
import { ChatClient } from '../annotation/chat-client.js';
import {
  ColourDescriber,
  ColourTracker,
  ContrastPersonDetector,
  DescriptionMatchDetector,
} from '../character/builtin.js';
import type { PersonDetector } from '../character/contracts.js';
import { cocoRleCodec } from '../character/metrics-codec.js';
import type { OpenFrames } from '../frames/frame-source.js';
import { drawAnnotationOverlays, encodeAnnotationImage } from '../frames/video-io-frames.js';
import { renderFrame } from '../synth/render.js';
import { DEFAULT_SYNTH_WORLD, generateScenario, type SynthScenario } from '../synth/scenario.js';
import { videoTruth } from '../synth/truth.js';
import { runLoomDataPipeline } from './loomdata-pipeline.js';
import type { CharacterFile, LoomDataRecord, ShotsFile } from './loomdata-types.js';

// The pipeline on LoomBench-Synth videos rendered straight into frames (no decoder, no shared data):
// its shot, tracklet and annotation outputs are checked against the generator's truth.
const world = { ...DEFAULT_SYNTH_WORLD, width: 160, height: 160, distractorCount: { min: 0, max: 0 } };
const SEEDS = [7, 19];
const scenarios = new Map<string, SynthScenario>(
  SEEDS.map((s) => [`synth-${s}`, generateScenario(s, world)]),
);

const openSynth: OpenFrames = (videoPath) => {
  const scenario = scenarios.get(path.basename(videoPath, '.mp4'))!;
  return {
    async *[Symbol.asyncIterator]() {
      for (let f = 0; f < scenario.frameCount; f++) {
        const { rgb, width, height } = renderFrame(scenario, f);
        yield { frameIndex: f, timeSeconds: f / scenario.world.fps, width, height, rgb };
      }
    },
  };
};

describe('LoomData pipeline on rendered LoomBench-Synth videos', () => {
  let dir: string;
  let chat: ChatServer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loomdata-synth-'));
    fs.mkdirSync(path.join(dir, 'in'));
    for (const id of scenarios.keys()) fs.writeFileSync(path.join(dir, 'in', `${id}.mp4`), '');
    chat = await startChatServer((body) => {
      const last = /The last frame ID of this shot is (\d+)\./.exec(promptText(body));
      if (last) return { content: `from 0 to ${last[1]}: The figure moves around.` };
      return {
        content:
          'Combined question: Where is the figure when it moves around?\nWhere question: Where is the figure during 0.00s to 1.00s?\nWhen question: When does the figure move around?',
      };
    });
  });
  afterAll(async () => {
    await chat?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const detectors: [string, () => PersonDetector][] = [
    ['ContrastPersonDetector', () => new ContrastPersonDetector()],
    ['DescriptionMatchDetector', () => new DescriptionMatchDetector()],
  ];
  it.each(detectors)(
    'with %s: finds the true shots, tracks the character in exactly the shots it is in, and annotates them',
    async (name, detector) => {
      const outDir = path.join(dir, `out-${name}`);
      const { outcomes, summary } = await runLoomDataPipeline({
        inputDir: path.join(dir, 'in'),
        outDir,
        models: {
          openFrames: openSynth,
          detector: detector(),
          describer: new ColourDescriber(),
          tracker: new ColourTracker(),
          maskCodec: cocoRleCodec,
          drawOverlays: drawAnnotationOverlays,
          encodeImage: encodeAnnotationImage,
          annotationClient: new ChatClient({ baseUrl: chat.baseUrl, model: 'scripted' }),
        },
      });
      expect(outcomes.map((o) => [o.videoId, o.status, o.reason])).toEqual([
        ['synth-19', 'complete', undefined],
        ['synth-7', 'complete', undefined],
      ]);
      for (const [id, scenario] of scenarios) {
        const truth = videoTruth(scenario);
        const shots: ShotsFile = JSON.parse(
          fs.readFileSync(path.join(outDir, 'videos', id, 'shots.json'), 'utf8'),
        );
        expect(shots.shots.map((s) => s.startFrameIndex)).toEqual(truth.shots.map((s) => s.startFrame));
        const ch: CharacterFile = JSON.parse(
          fs.readFileSync(path.join(outDir, 'videos', id, 'character.json'), 'utf8'),
        );
        expect(ch.shots.map((s) => s.hasTracklet)).toEqual(truth.shots.map((s) => s.mainPresent));
        // Masks overlap the rendered truth mask: IoU > 0.5 on every frame of a tracked shot.
        for (const s of ch.shots.filter((x) => x.hasTracklet)) {
          const shot = shots.shots[s.shotIndex]!;
          for (let f = shot.startFrameIndex; f < shot.endFrameIndex; f += 5) {
            const rle = ch.masks[f];
            const truthMask = renderFrame(scenario, f).mainMask;
            if (!truthMask.some((v) => v)) continue;
            expect(rle).not.toBeNull();
            const mask = cocoRleCodec.decode(rle!);
            let inter = 0;
            let union = 0;
            mask.forEach((v, p) => {
              if (v && truthMask[p]) inter++;
              if (v || truthMask[p]) union++;
            });
            expect(inter / union).toBeGreaterThan(0.5);
          }
        }
        const record: LoomDataRecord = JSON.parse(
          fs.readFileSync(path.join(outDir, 'videos', id, 'loomdata.json'), 'utf8'),
        );
        const tracked = truth.shots.filter((s) => s.mainPresent).map((s) => s.shotIndex);
        expect(record.segments.flatMap((s) => s.shotIndices)).toEqual(tracked);
      }
      expect(summary.videos.kept).toBe(2);
      expect(summary.questions.when).toBe(summary.descriptions.total);
    },
    120_000,
  );
});
