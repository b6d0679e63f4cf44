import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatServer, startChatServer } from '../../test/helpers/chat-server.js';
import { ChatClient } from '../annotation/chat-client.js';
import { ColourDescriber, ColourTracker, ContrastPersonDetector } from '../character/builtin.js';
import { cocoRleCodec } from '../character/metrics-codec.js';
import type { LoomBenchQuestion } from '../synth/questions.js';
import { loomDataStages } from './loomdata-stages.js';
import type { LoomDataRecord } from './loomdata-types.js';
import { runStages } from './runner.js';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
});

const record: LoomDataRecord = {
  videoId: 'v',
  video: { path: '/v.mp4', frameCount: 60, width: 8, height: 8, durationSeconds: 2 },
  shots: [{ shotIndex: 0, startFrameIndex: 0, endFrameIndex: 60, startSeconds: 0, endSeconds: 2 }],
  mainCharacter: { description: 'a person in red', maskWidth: 8, maskHeight: 8 },
  tracklet: Array(60).fill(null),
  segments: [
    {
      segmentIndex: 0,
      shotIndices: [0],
      startFrameIndex: 0,
      endFrameIndex: 60,
      startSeconds: 0,
      endSeconds: 2,
      descriptions: [
        {
          startFrameId: 0,
          endFrameId: 3,
          startFrameIndex: 0,
          endFrameIndex: 60,
          startSeconds: 0,
          endSeconds: 2,
          text: 'She waves.',
        },
      ],
    },
  ],
};

describe('questions stage', () => {
  it('asks again with the problems listed when an answer breaks the Fig. 12 rules, and keeps the valid one', async () => {
    server = await startChatServer((body, i) =>
      i === 0
        ? { content: 'Combined question: Where is she at 1.5s?\nWhen question: When does she wave?' }
        : {
            content:
              'Combined question: Where is the woman in red when she waves?\nWhere question: Where is the woman in red during 0.00s to 2.00s?\nWhen question: When does the woman in red wave?',
          },
    );
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loomdata-questions-'));
    try {
      fs.mkdirSync(path.join(outDir, 'videos/v'), { recursive: true });
      fs.writeFileSync(path.join(outDir, 'videos/v/loomdata.json'), JSON.stringify(record));
      const client = new ChatClient({ baseUrl: server.baseUrl, model: 'llm' });
      const unused = () => {
        throw new Error('the questions stage decodes, draws and encodes nothing');
      };
      const stages = loomDataStages({
        openFrames: unused,
        detector: new ContrastPersonDetector(),
        describer: new ColourDescriber(),
        tracker: new ColourTracker(),
        maskCodec: cocoRleCodec,
        drawOverlays: unused,
        encodeImage: unused,
        annotationClient: client,
      });
      const questions = stages.find((s) => s.name === 'questions')!;
      const [outcome] = await runStages({
        outDir,
        videos: [{ videoId: 'v', videoPath: '/v.mp4' }],
        stages: [questions],
      });
      expect(outcome!.status).toBe('complete');
      const retry = server.requests[1]!.body.messages;
      expect(retry).toHaveLength(3);
      expect(retry[2]!.content).toContain('- no "Where question:" line');
      expect(retry[2]!.content).toContain('- the combined question contains a timestamp');
      const out = JSON.parse(fs.readFileSync(path.join(outDir, 'videos/v/loombench.json'), 'utf8')) as {
        questions: LoomBenchQuestion[];
      };
      expect(out.questions.map((q) => [q.type, q.question])).toEqual([
        ['when', 'When does the woman in red wave?'],
        ['where', 'Where is the woman in red during 0.00s to 2.00s?'],
        ['combined', 'Where is the woman in red when she waves?'],
      ]);
      expect(out.questions[0]).toMatchObject({
        span: { startSeconds: 0, endSeconds: 2 },
        startFrame: 0,
        endFrame: 60,
      });
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
