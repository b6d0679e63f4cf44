// Backend benchmark: matmul throughput of every available backend, as ratios against ONNX Runtime CPU
// measured in the same run, plus the tfjs-wasm transposed-matmul trap (see README).
// Writes <repo>/bench-results/backend.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackends, measureOrtMatmul, measureTfjsMatmul, tf } from '../dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sizes = [256, 1024];
const report = await describeBackends();
const results = [];
for (const size of sizes) {
  const measured = [];
  for (const c of report.candidates.filter((c) => c.available)) {
    if (c.runtime === 'tfjs' && c.name === 'cpu' && size > 256) continue; // seconds of pure JS for nothing new
    measured.push(
      c.runtime === 'tfjs' ? await measureTfjsMatmul(c.name, size) : await measureOrtMatmul(c.name, size),
    );
  }
  const reference = measured.find((m) => m.runtime === 'ort' && m.name === 'cpu');
  for (const m of measured) {
    results.push({ ...m, ratioToOrtCpu: m.gflops / reference.gflops });
    console.log(
      `${size}² ${m.runtime}/${m.name}: ${m.gflops.toFixed(1)} GFLOP/s (${(m.gflops / reference.gflops).toFixed(2)}x ORT CPU)`,
    );
  }
}

// The trap: on wasm, matMul with a transpose flag (what autodiff uses) leaves the fast path.
await tf.setBackend('wasm');
const n = 512;
const a = tf.randomNormal([n, n]);
const b = tf.randomNormal([n, n]);
function time(fn) {
  fn().dispose();
  const start = performance.now();
  let reps = 0;
  while (performance.now() - start < 500) {
    const t = fn();
    t.dataSync();
    t.dispose();
    reps++;
  }
  return (2 * n ** 3 * reps) / ((performance.now() - start) / 1000) / 1e9;
}
const plain = time(() => tf.matMul(a, b));
const transposedB = time(() => tf.matMul(a, b, false, true));
const explicitTranspose = time(() => tf.tidy(() => tf.matMul(a, tf.transpose(b))));
const trap = {
  size: n,
  plainGflops: plain,
  transposeFlagGflops: transposedB,
  explicitTransposeGflops: explicitTranspose,
};
console.log(
  `wasm ${n}²: plain ${plain.toFixed(1)}, transposeB flag ${transposedB.toFixed(1)} (${(transposedB / plain).toFixed(2)}x), explicit transpose ${explicitTranspose.toFixed(1)} GFLOP/s (${(explicitTranspose / plain).toFixed(2)}x)`,
);

fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
const out = path.join(root, 'bench-results', 'backend.json');
fs.writeFileSync(
  `${out}.tmp`,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, matmul: results, wasmTransposeTrap: trap }, null, 2)}\n`,
);
fs.renameSync(`${out}.tmp`, out);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
