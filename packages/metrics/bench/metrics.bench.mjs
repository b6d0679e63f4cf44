// Benchmark of @videoloom/metrics against the official Python evaluators (same inputs, same process tree).
// Run: npx nx run metrics:bench   (or: cd packages/metrics && npx tsup && node bench/metrics.bench.mjs)
// Env: VIDEOLOOM_OFFICIAL_CODE_DIR = folder with checkouts davis2017-evaluation/, moment_detr/, TimeChat/
//      VIDEOLOOM_PYTHON (default /usr/bin/python3, needs numpy + opencv + scikit-learn)
//      VIDEOLOOM_SHARED_DIR (official example files), BENCH_JF_EXPRESSIONS (50), BENCH_JF_FRAMES (60)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  charadesQueriesFromFiles,
  dvcVideosFromFiles,
  expressionScore,
  parseJsonOrJsonl,
  scoreCharades,
  scoreExpressionFrames,
  scoreQvHighlights,
  scoreYouCook2,
} from '../dist/index.js';
import { ellipseMask, ellipseParams } from './synthetic-masks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const shared = process.env.VIDEOLOOM_SHARED_DIR ?? resolve(repoRoot, '../shared');
const examples = join(shared, 'data', 'official-examples');
const expressions = Number(process.env.BENCH_JF_EXPRESSIONS ?? 50);
const frames = Number(process.env.BENCH_JF_FRAMES ?? 60);
const sizes = [
  [720, 1280],
  [480, 854],
];

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const notes = [];
const results = {
  notes,
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  settings: { expressions, frames },
  tasks: {},
};

// --- J&F over synthetic expressions -------------------------------------------------------------------
for (const [h, w] of sizes) {
  let cpu = 0;
  let jfSum = 0;
  for (let e = 0; e < expressions; e++) {
    const gt = [];
    const pred = [];
    for (let t = 0; t < frames; t++) {
      const p = ellipseParams(e, t, h, w);
      gt.push({ width: w, height: h, data: ellipseMask(p.gt, h, w, t) });
      pred.push({ width: w, height: h, data: ellipseMask(p.pred, h, w, t) });
    }
    const t0 = cpuSeconds();
    const s = expressionScore(String(e), scoreExpressionFrames(gt, pred));
    cpu += cpuSeconds() - t0;
    jfSum += (s.Je + s.Fe) / 2;
  }
  results.tasks[`jf-${h}x${w}`] = {
    ts_cpu_seconds: cpu,
    ts_result: { JF_sum: jfSum },
    frames: expressions * frames,
  };
}

// --- temporal evaluators on the official example files ----------------------------------------------
const ex = (d, f) => join(examples, d, f);
const pyTasks = { jf: { sizes, expressions, frames } };
if (existsSync(examples)) {
  {
    const gt = ex('qvhl_moment_detr-official_sample_val_preds', 'gt.jsonl');
    const pr = ex('qvhl_moment_detr-official_sample_val_preds', 'pred.jsonl');
    const t0 = cpuSeconds();
    const r = scoreQvHighlights(
      parseJsonOrJsonl(readFileSync(pr, 'utf8'), pr),
      parseJsonOrJsonl(readFileSync(gt, 'utf8'), gt),
    );
    results.tasks.qvhighlights = { ts_cpu_seconds: cpuSeconds() - t0, ts_result: r.brief };
    pyTasks.qvh = { gt, pred: pr };
  }
  {
    const gt = ex('charades_tvg-official_example', 'gt.json');
    const pr = ex('charades_tvg-official_example', 'pred.json');
    const t0 = cpuSeconds();
    const r = scoreCharades(
      charadesQueriesFromFiles(JSON.parse(readFileSync(gt, 'utf8')), JSON.parse(readFileSync(pr, 'utf8')), {
        sample: true,
      }),
    );
    results.tasks.charades = { ts_cpu_seconds: cpuSeconds() - t0, ts_result: r.metrics };
    pyTasks.charades = { gt, pred: pr };
  }
  {
    const gt = ex('youcook2_dvc-official_example', 'gt.json');
    const pr = ex('youcook2_dvc-official_example', 'pred.json');
    const t0 = cpuSeconds();
    const r = await scoreYouCook2(
      dvcVideosFromFiles(JSON.parse(readFileSync(gt, 'utf8')), JSON.parse(readFileSync(pr, 'utf8'))),
    );
    results.tasks.youcook2 = {
      ts_cpu_seconds: cpuSeconds() - t0,
      ts_result: r.printed,
      note: 'no official timing: eval_dvc.py cannot run without its two Java jars',
    };
  }
} else {
  notes.push(`official example files not found under ${examples}: temporal tasks skipped`);
}

// --- the official Python code, same inputs ------------------------------------------------------------
const officialDir = process.env.VIDEOLOOM_OFFICIAL_CODE_DIR;
const python = process.env.VIDEOLOOM_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import numpy, cv2, sklearn'], { encoding: 'utf8' });
if (!officialDir || !existsSync(officialDir)) {
  notes.push('VIDEOLOOM_OFFICIAL_CODE_DIR not set: official Python timings skipped');
} else if (probe.status !== 0) {
  notes.push(`${python} lacks numpy/opencv/scikit-learn: official Python timings skipped`);
} else {
  const tasksPath = join(tmpdir(), `vl-metrics-bench-${process.pid}.json`);
  writeFileSync(tasksPath, JSON.stringify(pyTasks));
  const run = spawnSync(python, [join(here, 'official_reference.py'), officialDir, tasksPath], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) notes.push(`official reference failed: ${run.stderr.slice(-500)}`);
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const o = JSON.parse(line);
    const t = results.tasks[o.task];
    if (!t) continue;
    t.official_cpu_seconds = o.cpu_seconds;
    t.official_result = o.result;
    t.speedup = o.cpu_seconds / t.ts_cpu_seconds;
  }
}

// --- report -------------------------------------------------------------------------------------------
const out = join(repoRoot, 'bench-results', 'metrics.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
renameSync(`${out}.tmp`, out);
console.log('task                 TS cpu s   official cpu s   ratio');
for (const [name, t] of Object.entries(results.tasks)) {
  const ratio = t.speedup === undefined ? 'n/a' : `${t.speedup.toFixed(1)}x`;
  console.log(
    `${name.padEnd(20)} ${t.ts_cpu_seconds.toFixed(3).padStart(8)}   ${(t.official_cpu_seconds?.toFixed(3) ?? 'n/a').padStart(14)}   ${ratio}`,
  );
}
for (const [name, t] of Object.entries(results.tasks)) {
  if (t.official_result)
    console.log(
      `${name}: TS ${JSON.stringify(t.ts_result).slice(0, 160)}\n${' '.repeat(name.length)}  official ${JSON.stringify(t.official_result).slice(0, 160)}`,
    );
}
for (const n of notes) console.log(`note: ${n}`);
console.log(`wrote ${out}`);
