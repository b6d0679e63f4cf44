import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildOnnxModel } from '@videoloom/backend';
import {
  type CharacterFile,
  type DecodedFrame,
  openFramesWithVideoIo,
  type ShotsFile,
  type TrackedMask,
} from '@videoloom/data';
import { decodeRle } from '@videoloom/metrics';
import type { FrameMasks } from '@videoloom/sam2-bridge';
import { writeTinySam2 } from '@videoloom/sam2-bridge/testing';
import { writeMp4 } from '@videoloom/video-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describerLabelsPath } from './onnx-describer.js';
import { runDataCli } from './run-data-cli.js';
import { loadSam2Tracker, type Sam2Tracker } from './sam2-tracker.js';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const videos = path.join(
  process.env.VIDEOLOOM_SHARED_DIR ?? path.join(repoRoot, '..', 'shared'),
  'data',
  'videos',
);
const clip = path.join(videos, 'bedroom.mp4');
const haveClip = fs.existsSync(clip);
if (!haveClip)
  console.warn(`[train] shared real videos not found at ${videos}: the SAM2 tracker tests are skipped.`);

const WORK_WIDTH = 160;

/** Frames [0, count) of the real clip, decoded by video-io at WORK_WIDTH. */
async function decode(count: number): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  for await (const f of openFramesWithVideoIo()(clip, { maxWidth: WORK_WIDTH })) {
    if (f.frameIndex >= count) break;
    out.push(f);
  }
  return out;
}

function source(frames: readonly DecodedFrame[]) {
  return {
    async *[Symbol.asyncIterator]() {
      yield* frames;
    },
  };
}

describe.skipIf(!haveClip)('SAM2 tracker adapter on a real clip (tiny SAM2 graphs)', () => {
  let dir: string;
  let sam2: Sam2Tracker;
  let frames: DecodedFrame[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videoloom-sam2-tracker-'));
    await writeTinySam2(path.join(dir, 'sam2'), { seed: 1 });
    sam2 = await loadSam2Tracker(path.join(dir, 'sam2'), { device: 'cpu', env: {} });
    frames = await decode(10);
  }, 60_000);
  afterAll(async () => {
    await sam2?.bridge.stages.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tracks a box through frames [3, 9): one mask per frame, equal to Sam2Bridge.track on the same clip', async () => {
    expect(frames[0]!.width).toBe(WORK_WIDTH);
    const clipFrames = frames.slice(3, 9);
    const box = { x: 40, y: 20, width: 50, height: 60 };
    const tracked: TrackedMask[] = [];
    for await (const t of sam2.tracker.track({
      frames: source(clipFrames),
      promptFrameIndex: 6,
      box,
      promptFrame: frames[6]!,
      startFrameIndex: 3,
      endFrameIndex: 9,
    }))
      tracked.push(t);
    // Keyframe and forward pass first, then the reverse pass, in the video's own indices.
    expect(tracked.map((t) => t.frameIndex)).toEqual([6, 7, 8, 5, 4, 3]);
    const direct: FrameMasks[] = [];
    for await (const r of sam2.bridge.track({
      numFrames: 6,
      keyframes: [
        {
          frameIndex: 3,
          frame: { width: frames[6]!.width, height: frames[6]!.height, data: frames[6]!.rgb },
          prompts: [{ box: { x0: 40, y0: 20, x1: 90, y1: 80 } }],
        },
      ],
      frames: (async function* () {
        for (const [i, f] of clipFrames.entries())
          yield { frameIndex: i, width: f.width, height: f.height, data: f.rgb };
      })(),
    }))
      direct.push(r);
    expect(direct[0]!.promptTokens).toBe(2);
    for (const t of tracked) {
      const d = direct.find((r) => r.frameIndex === t.frameIndex - 3)!.objects[0]!;
      expect(t.width).toBe(frames[0]!.width);
      expect(t.height).toBe(frames[0]!.height);
      if (d.objectScore > 0 && d.mask.data.some((v) => v === 1)) expect(t.mask).toEqual(d.mask.data);
      else expect(t.mask).toBeNull();
    }
  }, 120_000);
});

/** A detector graph with one fixed box (x0, y0, x1, y1 as fractions) scoring 0.9 on any image. */
function fixedBoxDetector(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'pixel_values', dtype: 'float32', dims: [1, 3, 'height', 'width'] }],
    outputs: [
      { name: 'boxes', dtype: 'float32', dims: [1, 1, 4] },
      { name: 'scores', dtype: 'float32', dims: [1, 1] },
    ],
    initializers: [
      { name: 'box', dtype: 'float32', dims: [1, 1, 4], data: Float32Array.of(0.25, 0.25, 0.625, 0.875) },
      { name: 'score', dtype: 'float32', dims: [1, 1], data: Float32Array.of(0.9) },
    ],
    nodes: [
      { opType: 'Identity', inputs: ['box'], outputs: ['boxes'] },
      { opType: 'Identity', inputs: ['score'], outputs: ['scores'] },
    ],
  });
}

/** A describer graph: colour logits = per-channel mean of the crop. */
function colourClassifier(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'pixel_values', dtype: 'float32', dims: [1, 3, 16, 16] }],
    outputs: [{ name: 'colour_logits', dtype: 'float32', dims: [1, 3] }],
    nodes: [
      {
        opType: 'ReduceMean',
        inputs: ['pixel_values'],
        outputs: ['colour_logits'],
        attributes: { axes: [2, 3], keepdims: 0 },
      },
    ],
  });
}

describe.skipIf(!haveClip)('videoloom-data loomdata --sam2 --detector --describer on a real clip', () => {
  let dir: string;
  let server: http.Server;
  let chatUrl: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videoloom-loomdata-sam2-'));
    await writeTinySam2(path.join(dir, 'sam2'), { seed: 1 });
    fs.writeFileSync(path.join(dir, 'person.onnx'), fixedBoxDetector());
    fs.writeFileSync(path.join(dir, 'colours.onnx'), colourClassifier());
    fs.writeFileSync(
      describerLabelsPath(path.join(dir, 'colours.onnx')),
      JSON.stringify({
        format: 'videoloom-describer/1',
        input: { width: 16, height: 16 },
        heads: [
          {
            name: 'colour',
            output: 'colour_logits',
            activation: 'softmax',
            labels: ['red', 'green', 'blue'],
          },
        ],
        template: 'a person in mostly {colour} tones',
      }),
    );
    // 16 real frames (about half a second) as the input video.
    fs.mkdirSync(path.join(dir, 'videos'));
    const frames = await decode(16);
    await writeMp4(
      path.join(dir, 'videos', 'bedroom16.mp4'),
      frames.map((f) => ({ width: f.width, height: f.height, data: f.rgb })),
      { frameRate: { numerator: 30, denominator: 1 } },
    );
    // An OpenAI-compatible chat endpoint: one segment over the whole shot.
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const last = /The last frame ID of this shot is (\d+)\./.exec(body);
        const content = last ? `from 0 to ${last[1]}: The children jump on the bed.` : 'no';
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    chatUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tracks with SAM2 and describes with the ONNX describer: one COCO RLE (or null) per frame', async () => {
    const log = {
      text: '',
      write(s: string) {
        log.text += s;
        return true;
      },
      isTTY: false,
    };
    const code = await runDataCli(
      [
        'loomdata',
        ...['--videos', path.join(dir, 'videos'), '--out', path.join(dir, 'out')],
        ...['--chat-url', chatUrl, '--chat-model', 'scripted'],
        ...['--sam2', path.join(dir, 'sam2'), '--detector', path.join(dir, 'person.onnx')],
        ...['--describer', path.join(dir, 'colours.onnx'), '--device', 'cpu', '--concurrency', '1'],
      ],
      log as unknown as NodeJS.WriteStream,
    );
    expect(code, log.text).toBe(0);
    const videoDir = path.join(dir, 'out', 'videos', 'bedroom16');
    const shots = JSON.parse(fs.readFileSync(path.join(videoDir, 'shots.json'), 'utf8')) as ShotsFile;
    const character = JSON.parse(
      fs.readFileSync(path.join(videoDir, 'character.json'), 'utf8'),
    ) as CharacterFile;
    expect(shots.frameCount).toBe(16);
    expect(character.description).toMatch(/^a person in mostly (red|green|blue) tones$/);
    // The fixed box of the ONNX detector, in pixels of the 160-wide decoded frames.
    expect(character.keyBox).toEqual({ x: 40, y: 22, width: 60, height: 57 });
    expect(character.masks).toHaveLength(16);
    for (const rle of character.masks) if (rle) expect(decodeRle(rle).data.length).toBe(160 * 90);
    // Random tiny weights decide whether the object is "present"; the file stays consistent either way.
    const [shot] = character.shots;
    const present = character.masks.filter(Boolean).length;
    if (shot!.hasTracklet) expect(present / 16).toBeCloseTo(shot!.coverage, 6);
    else expect(present).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'manifest.json'), 'utf8'));
    expect(JSON.stringify(manifest)).toContain('sam2:sam2 (sam2.1; tiny random test graphs');
    expect(JSON.stringify(manifest)).toContain('colours.onnx');
  }, 300_000);
});
