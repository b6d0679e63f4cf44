#!/usr/bin/env node
// Benchmark of @videoloom/sam2-bridge on the tiny committed graphs (CPU unless VIDEOLOOM_DEVICE says
// otherwise): per-stage ms per call, peak memory, a 64-frame propagation, and the MemoryBank's
// bookkeeping per frame. Writes <repo>/bench-results/sam2-bridge.json.
// Usage: npx nx run sam2-bridge:build && cd packages/sam2-bridge && npm run bench   [-- --frames 64]
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryBank, planSchedule, preprocessFrame, Sam2Bridge } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const fixture = path.resolve(here, '../test/fixtures/tiny-sam2');
const argFrames = process.argv.indexOf('--frames');
const T = argFrames > 0 ? Number(process.argv[argFrames + 1]) : 64;
const WIDTH = 320;
const HEIGHT = 180;
const KEYFRAMES = [5, 18, 31, 44, 57].filter((k) => k < T); // 5 keyframes across the clip, as VideoLoom samples

let peakRss = 0;
const sampleMemory = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

function frame(frameIndex) {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const inside = x >= 20 + 3 * frameIndex && x < 80 + 3 * frameIndex && y >= 50 && y < 120;
      data.set(inside ? [220, 30, 40] : [60, 70, 110], (y * WIDTH + x) * 3);
    }
  }
  return { width: WIDTH, height: HEIGHT, data };
}

function seg(seed) {
  let s = seed;
  return Float32Array.from({ length: 256 }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

// 1. MemoryBank bookkeeping per frame: select + add + prune, no model (2-hour schedule at 1 fps).
function benchBank(numFrames) {
  const keyframes = [600, 1800, 3000, 4200, 5400];
  const schedule = planSchedule(numFrames, keyframes);
  const bank = new MemoryBank({ numFrames });
  for (const k of schedule.keyframes) bank.addKeyframe(k, { k });
  const first = schedule.keyframes[0];
  let maxSize = 0;
  const start = performance.now();
  for (const f of schedule.forward) {
    bank.select(f, 'forward');
    bank.addTracked(f, { f });
    bank.prune([
      { direction: 'forward', fromFrameIndex: f + 1 },
      { direction: 'reverse', fromFrameIndex: first - 1 },
    ]);
    maxSize = Math.max(maxSize, bank.size);
  }
  for (const f of schedule.reverse) {
    bank.select(f, 'reverse');
    bank.addTracked(f, { f });
    bank.prune([{ direction: 'reverse', fromFrameIndex: f - 1 }]);
    maxSize = Math.max(maxSize, bank.size);
  }
  const ms = performance.now() - start;
  return {
    frames: schedule.forward.length + schedule.reverse.length,
    msPerFrame: ms / (schedule.forward.length + schedule.reverse.length),
    maxStoredFrames: maxSize,
  };
}

// 2. The whole propagation through the bridge.
async function benchPropagation(bridge) {
  async function* frames() {
    for (let f = 0; f < T; f++) {
      sampleMemory();
      yield { frameIndex: f, ...frame(f) };
    }
  }
  const start = performance.now();
  let count = 0;
  let firstResultMs = 0;
  for await (const _ of bridge.track({
    numFrames: T,
    keyframes: KEYFRAMES.map((k, i) => ({ frameIndex: k, frame: frame(k), segEmbeddings: seg(i + 1) })),
    frames: frames(),
    onProgress: (e) => {
      if (e.type === 'track-progress' && e.completed % 16 === 0)
        process.stderr.write(`  ${e.pass} ${e.completed}/${e.numFrames}\n`);
    },
  })) {
    if (count === 0) firstResultMs = performance.now() - start;
    count += 1;
    sampleMemory();
  }
  return { frames: count, totalMs: performance.now() - start, firstResultMs };
}

// 3. Reference in the same process: the same stage calls with no bookkeeping (one memory, one pointer).
async function benchBareStages(stages, n) {
  const image = preprocessFrame(frame(0));
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const enc = await stages.run('image_encoder', {
      image: { dtype: 'float32', dims: [1, 3, 1024, 1024], data: image },
    });
    const att = await stages.run('memory_attention', {
      vision_feat: { dtype: 'float32', dims: [1, 256, 64, 64], data: enc.vision_feat },
      maskmem_features: { dtype: 'float32', dims: [1, 1, 64, 64, 64], data: new Float32Array(64 * 64 * 64) },
      maskmem_tpos_index: { dtype: 'int64', dims: [1], data: BigInt64Array.of(6n) },
      obj_ptrs: { dtype: 'float32', dims: [1, 1, 256], data: new Float32Array(256) },
      obj_ptr_tpos: { dtype: 'float32', dims: [1], data: Float32Array.of(0) },
    });
    const dec = await stages.run('mask_decoder', {
      image_embed: { dtype: 'float32', dims: [1, 256, 64, 64], data: att.pix_feat_with_mem },
      high_res_feat0: { dtype: 'float32', dims: [1, 32, 256, 256], data: enc.high_res_feat0 },
      high_res_feat1: { dtype: 'float32', dims: [1, 64, 128, 128], data: enc.high_res_feat1 },
      prompt_embed: { dtype: 'float32', dims: [1, 0, 256], data: new Float32Array(0) },
    });
    await stages.run('memory_encoder', {
      vision_feat: { dtype: 'float32', dims: [1, 256, 64, 64], data: enc.vision_feat },
      mask_logits: {
        dtype: 'float32',
        dims: [1, 1, 256, 256],
        data: dec.low_res_masks.subarray(65536, 131072),
      },
      object_score_logits: { dtype: 'float32', dims: [1, 1], data: dec.object_score_logits },
    });
    sampleMemory();
  }
  return (performance.now() - start) / n;
}

const resetTimings = (stages) => {
  for (const t of Object.values(stages.timings)) {
    t.calls = 0;
    t.totalMs = 0;
    t.peakRssBytes = 0;
  }
};

const rssBefore = process.memoryUsage().rss;
const bank = benchBank(7200);
console.log(
  `MemoryBank: ${bank.msPerFrame.toFixed(4)} ms/frame over ${bank.frames} frames, at most ${bank.maxStoredFrames} frames stored`,
);

const bridge = await Sam2Bridge.load(fixture, {});
const stages = bridge.stages;
await benchBareStages(stages, 1); // warm-up
resetTimings(stages);
const bareMsPerFrame = await benchBareStages(stages, 4);
resetTimings(stages);
peakRss = 0;
const run = await benchPropagation(bridge);
const perStage = Object.fromEntries(
  Object.entries(stages.timings).map(([stage, t]) => [
    stage,
    {
      calls: t.calls,
      msPerCall: t.totalMs / Math.max(1, t.calls),
      msPerFrame: t.totalMs / run.frames,
      peakRssMiBAfterCall: Math.round(t.peakRssBytes / 2 ** 20),
    },
  ]),
);
const stageMsPerFrame = Object.values(perStage).reduce((a, s) => a + s.msPerFrame, 0);
const bridgeMsPerFrame = run.totalMs / run.frames;
const bookkeepingMsPerFrame = bridgeMsPerFrame - stageMsPerFrame;
await stages.release();

const result = {
  package: '@videoloom/sam2-bridge',
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
  executionProviders: stages.executionProviders,
  graphs: 'tiny committed test graphs (test/fixtures/tiny-sam2), SAM2 shapes, not SAM2 weights',
  propagation: {
    frames: run.frames,
    frameSize: `${WIDTH}x${HEIGHT}`,
    keyframes: KEYFRAMES,
    totalMs: Math.round(run.totalMs),
    msPerFrame: bridgeMsPerFrame,
    firstResultMs: Math.round(run.firstResultMs),
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    rssBeforeLoadMiB: Math.round(rssBefore / 2 ** 20),
  },
  perStage,
  bookkeeping: {
    msPerFrame: bookkeepingMsPerFrame,
    note: 'bridge wall time minus stage time: preprocessing (bicubic resize), feed assembly, bank, postprocessing',
  },
  memoryBank: bank,
  reference: {
    bareStagesMsPerFrame: bareMsPerFrame,
    note: 'the four stages called directly, one memory, no bookkeeping',
  },
  ratios: {
    bridgeOverBareStages: bridgeMsPerFrame / bareMsPerFrame,
    memoryBankShareOfFrame: bank.msPerFrame / bridgeMsPerFrame,
  },
};
const outDir = path.join(root, 'bench-results');
await mkdir(outDir, { recursive: true });
const outFile = path.join(outDir, 'sam2-bridge.json');
await writeFile(`${outFile}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
await rename(`${outFile}.tmp`, outFile);

console.log(
  `propagation: ${run.frames} frames in ${(run.totalMs / 1000).toFixed(1)} s = ${bridgeMsPerFrame.toFixed(1)} ms/frame, peak RSS ${result.propagation.peakRssMiB} MiB`,
);
for (const [stage, s] of Object.entries(perStage))
  console.log(
    `  ${stage.padEnd(17)} ${s.msPerCall.toFixed(1).padStart(8)} ms/call  ${s.calls} calls  peak RSS after call ${s.peakRssMiBAfterCall} MiB`,
  );
console.log(`  bookkeeping       ${bookkeepingMsPerFrame.toFixed(1).padStart(8)} ms/frame`);
console.log(
  `ratio bridge / bare stages (reference, same process): ${result.ratios.bridgeOverBareStages.toFixed(2)}x`,
);
console.log(`ratio MemoryBank / frame: ${(result.ratios.memoryBankShareOfFrame * 100).toFixed(4)} %`);
console.log(`wrote ${outFile}`);
