// Benchmark: the SlowFast sample (128 fast frames at 448 + 5 slow at 1024, as float32 tensors) through
// FfmpegVideoSource, against the bare FFmpeg CLI extracting the same frames in the same run.
// Videos: 02_cups.mp4 from the shared data folder (skipped when absent) and a generated 10-minute
// 720p video with sparse keyframes (cached in the OS temp folder, never committed).
// Writes <repo root>/bench-results/video-io.json and prints the ratios.
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolveFfmpegBinaries } from '../dist/index.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');
const shared = process.env.VIDEOLOOM_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
const longSeconds = Number(process.env.VIDEOLOOM_BENCH_LONG_SECONDS ?? 600);
const repeats = Number(process.env.VIDEOLOOM_BENCH_REPEATS ?? 1);

async function longVideo() {
  const dir = join(tmpdir(), 'videoloom-bench');
  const path = join(dir, `testsrc-1280x720-30fps-${longSeconds}s-gop9000.mp4`);
  if (existsSync(path)) return path;
  await fs.mkdir(dir, { recursive: true });
  const { ffmpeg } = await resolveFfmpegBinaries();
  console.log(`generating ${path} (${longSeconds} s of 720p testsrc, keyframe every 300 s) ...`);
  const temporary = `${path}.tmp.mp4`;
  await run(ffmpeg, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=1280x720:rate=30`,
    '-t',
    String(longSeconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '9000',
    '-keyint_min',
    '9000',
    '-sc_threshold',
    '0',
    '-bf',
    '2',
    '-pix_fmt',
    'yuv420p',
    '-y',
    temporary,
  ]);
  await fs.rename(temporary, path);
  return path;
}

const cpuTotal = (m) => m.cpu.own + (m.cpu.children ?? 0);

async function measure(mode, path) {
  const best = [];
  for (let r = 0; r < repeats; r++) {
    const { stdout } = await run(process.execPath, [join(here, 'sample-worker.mjs'), mode, path], {
      maxBuffer: 1 << 20,
    });
    best.push(JSON.parse(stdout.trim().split('\n').at(-1)));
  }
  return best.sort((a, b) => a.wallSeconds - b.wallSeconds)[0];
}

const videos = [];
const cups = join(shared, 'data', 'videos', '02_cups.mp4');
if (existsSync(cups)) videos.push({ name: '02_cups.mp4', path: cups });
else console.warn(`02_cups.mp4 not found under ${shared}: measuring the generated video only.`);
videos.push({ name: `generated ${longSeconds}s 720p`, path: await longVideo() });

const results = [];
for (const video of videos) {
  const cli = await measure('ffmpeg-cli', video.path);
  const pil = await measure('slowfast-pil', video.path);
  const sws = await measure('slowfast-swscale', video.path);
  const row = {
    video: video.name,
    frameCount: cli.frameCount,
    framesDelivered: pil.frames,
    ffmpegCli: cli,
    slowfastPilBicubic: pil,
    slowfastSwscaleBicubic: sws,
    ratioWallPil: pil.wallSeconds / cli.wallSeconds,
    ratioWallSwscale: sws.wallSeconds / cli.wallSeconds,
    // CPU time (process + FFmpeg child) is less sensitive to other load on the machine than wall time.
    ratioCpuPil: cpuTotal(pil) / cpuTotal(cli),
    ratioCpuSwscale: cpuTotal(sws) / cpuTotal(cli),
  };
  results.push(row);
  console.log(
    `${video.name} (${cli.frameCount} frames): ffmpeg CLI ${cli.wallSeconds.toFixed(2)} s | ` +
      `SlowFast pil-bicubic ${pil.wallSeconds.toFixed(2)} s (x${row.ratioWallPil.toFixed(2)}) | ` +
      `SlowFast swscale-bicubic ${sws.wallSeconds.toFixed(2)} s (x${row.ratioWallSwscale.toFixed(2)}) | ` +
      `CPU s: CLI ${cpuTotal(cli).toFixed(2)}, pil ${cpuTotal(pil).toFixed(2)} (x${row.ratioCpuPil.toFixed(2)}), ` +
      `swscale ${cpuTotal(sws).toFixed(2)} (x${row.ratioCpuSwscale.toFixed(2)}) | ` +
      `peak RSS node ${pil.nodePeakRssMiB.toFixed(0)} MiB + ffmpeg ${pil.ffmpegPeakRssMiB?.toFixed(0)} MiB ` +
      `(CLI ffmpeg ${cli.ffmpegPeakRssMiB?.toFixed(0)} MiB)`,
  );
}
const out = join(repoRoot, 'bench-results', 'video-io.json');
await fs.mkdir(dirname(out), { recursive: true });
const temporary = `${out}.tmp`;
await fs.writeFile(
  temporary,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, repeats, results }, null, 2)}\n`,
);
await fs.rename(temporary, out);
console.log(`wrote ${out}`);
