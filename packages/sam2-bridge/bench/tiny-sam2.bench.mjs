#!/usr/bin/env node
// Benchmark of the trainable tiny-128 SAM2 (TfjsTinySam2) on TensorFlow.js wasm: ms per training
// step (forward + backward + Adam on every model variable and a learnable [SEG] stand-in), ms per
// forward, and inference through ONNX Runtime (Sam2Bridge, promptEveryFrame) per frame.
// Writes <repo>/bench-results/tiny-sam2.json.
// Usage: npx nx run sam2-bridge:build && cd packages/sam2-bridge && node bench/tiny-sam2.bench.mjs [-- --batch 8 --steps 20]
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { TfjsTinySam2 } from '../dist/index.js';
import { drawDiscScene } from '../dist/testing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const B = arg('batch', 8);
const STEPS = arg('steps', 20);
const FRAMES = arg('frames', 64);

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: Math.round(sorted[0]),
    median: Math.round(sorted[Math.floor(sorted.length / 2)]),
    max: Math.round(sorted.at(-1)),
  };
};

const backend = await selectTfjsBackend({ device: process.env.VIDEOLOOM_DEVICE ?? 'wasm' });
const model = TfjsTinySam2.create({ seed: 1 });
const scenes = Array.from({ length: B }, (_, i) => drawDiscScene(100 + i));
const images = model.preprocess(scenes.map((s) => s.frame));
const masks = tf.tensor3d(Float32Array.from(scenes.flatMap((s) => Array.from(s.mask))), [B, 128, 128]);
const seg = tf.variable(tf.randomNormal([1, 1, 256], 0, 1, 'float32', 7));
const optimizer = tf.train.adam(1e-3);
const variables = [...model.trainableVariables, seg];
const step = () => {
  const cost = optimizer.minimize(
    () => model.loss(model.forward({ images, promptEmbed: tf.tile(seg, [B, 1, 1]) }), masks),
    true,
    variables,
  );
  const value = cost.dataSync()[0];
  cost.dispose();
  return value;
};
for (let i = 0; i < 3; i++) step(); // warm-up: kernels compiled, buffers allocated
const stepMs = [];
let loss = 0;
for (let i = 0; i < STEPS; i++) {
  const start = performance.now();
  loss = step();
  stepMs.push(performance.now() - start);
}
const forwardMs = [];
for (let i = 0; i < STEPS; i++) {
  const start = performance.now();
  tf.tidy(() => model.forward({ images, promptEmbed: tf.tile(seg, [B, 1, 1]) }).lowResLogits.dataSync());
  forwardMs.push(performance.now() - start);
}

// Inference through ONNX Runtime: graphs built from the current weights, every frame prompted.
const bridge = await model.toBridge({ device: 'cpu' });
const segEmbeddings = seg.dataSync().slice();
async function* frames() {
  for (let f = 0; f < FRAMES; f++) yield { frameIndex: f, ...drawDiscScene(1000 + f).frame };
}
const start = performance.now();
let count = 0;
for await (const _ of bridge.track({
  numFrames: FRAMES,
  keyframes: [{ frameIndex: 0, frame: drawDiscScene(1000).frame, segEmbeddings }],
  frames: frames(),
})) {
  count += 1;
}
const inferenceMs = (performance.now() - start) / count;
await bridge.stages.release();

const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))) },
  tfjsBackend: backend.name,
  model: { config: model.config.name, parameters: model.parameterCount },
  batch: B,
  trainingStepMs: stats(stepMs),
  forwardMs: stats(forwardMs),
  lossAfterSteps: Number(loss.toFixed(4)),
  bridgeMsPerFrame: Number(inferenceMs.toFixed(1)),
  framesTracked: count,
};
console.log(JSON.stringify(result, null, 2));
const out = path.join(root, 'bench-results');
await mkdir(out, { recursive: true });
const target = path.join(out, 'tiny-sam2.json');
await writeFile(`${target}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
await rename(`${target}.tmp`, target);
model.dispose();
