// One measured run, in its own process so that its peak RSS is its own.
// argv: mode ('slowfast-pil' | 'slowfast-swscale' | 'ffmpeg-cli'), video path.
// Prints one JSON line: { wallSeconds, nodePeakRssMiB, ffmpegPeakRssMiB, frames }.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FfmpegVideoSource, resolveFfmpegBinaries } from '../dist/index.js';

const [mode, path] = process.argv.slice(2);
const FAST = 128;
const SLOW = 5;

/** Peak RSS (VmHWM) of child processes, polled from /proc (Linux; null elsewhere). */
function watchChildPeaks() {
  let peakKiB = null;
  const poll = () => {
    try {
      const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      for (const pid of children) {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peakKiB = Math.max(peakKiB ?? 0, Number(hwm[1]));
      }
    } catch {
      // the child may have exited between listing and reading
    }
  };
  const timer = setInterval(poll, 20);
  return {
    stop: () => {
      clearInterval(timer);
      poll();
      return peakKiB;
    },
  };
}

const source = new FfmpegVideoSource();
const started = performance.now();
const info = await source.probe(path);
const L = info.frameCount;
// The SlowFast rule (slowfast's planSlowFastSample): Sa2VA uniform fast frames, slow keyframes at the
// centres of 5 equal parts. Spelled out here because video-io may not import slowfast.
const fast = Array.from({ length: Math.min(FAST, L) }, (_, j) =>
  Math.min(Math.floor((j * L) / Math.min(FAST, L)), L - 1),
);
const slow = Array.from({ length: SLOW }, (_, k) => Math.floor(((2 * k + 1) * L) / (2 * SLOW)));
const mllmIndices = [...new Set([...fast, ...slow])].sort((a, b) => a - b);
const watcher = watchChildPeaks();
let frames = 0;

if (mode === 'ffmpeg-cli') {
  // The bare CLI doing the same extraction: one pass, the same frames, 448 and 1024 rgb24, to /dev/null.
  const { ffmpeg } = await resolveFfmpegBinaries();
  const select = (indices) => indices.map((i) => `eq(n\\,${i})`).join('+');
  const graph =
    `[0:${info.streamIndex}]split=2[a][b];` +
    `[a]select='${select(mllmIndices)}',scale=448:448:flags=bicubic,format=rgb24[o0];` +
    `[b]select='${select(slow)}',scale=1024:1024:flags=bicubic,format=rgb24[o1]`;
  await new Promise((resolve, reject) => {
    const child = spawn(
      ffmpeg,
      [
        '-v',
        'error',
        '-nostdin',
        '-i',
        path,
        '-filter_complex',
        graph,
        '-map',
        '[o0]',
        '-vsync',
        'passthrough',
        '-f',
        'rawvideo',
        '-y',
        '/dev/null',
        '-map',
        '[o1]',
        '-vsync',
        'passthrough',
        '-f',
        'rawvideo',
        '-y',
        '/dev/null',
      ],
      { stdio: 'inherit' },
    );
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exit ${code}`))));
  });
  frames = mllmIndices.length + slow.length;
} else {
  const resize = mode === 'slowfast-swscale' ? 'swscale-bicubic' : 'pil-bicubic';
  // Tensors as slowfast builds them: float32 NCHW, ImageNet-normalised through a lookup table.
  const fastTensor = new Float32Array(fast.length * 3 * 448 * 448);
  const slowTensor = new Float32Array(SLOW * 3 * 448 * 448);
  const samTensor = new Float32Array(SLOW * 3 * 1024 * 1024);
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const lut = [0, 1, 2].map((c) =>
    Float32Array.from({ length: 256 }, (_, v) => (v / 255 - mean[c]) / std[c]),
  );
  // Same loop as slowfast's writeNormalisedFrame (tables and arrays in locals so V8 keeps it monomorphic).
  function write(tensor, slot, frame) {
    const plane = frame.width * frame.height;
    const base = slot * 3 * plane;
    const r = lut[0];
    const g = lut[1];
    const b = lut[2];
    const src = frame.data;
    for (let p = 0, q = 0; p < plane; p++, q += 3) {
      tensor[base + p] = r[src[q]];
      tensor[base + plane + p] = g[src[q + 1]];
      tensor[base + 2 * plane + p] = b[src[q + 2]];
    }
  }
  const fastSlot = new Map(fast.map((f, j) => [f, j]));
  for await (const frame of source.decode(info, {
    outputs: [
      { name: 'mllm', frameIndices: mllmIndices, size: { width: 448, height: 448 }, resize },
      { name: 'sam2', frameIndices: slow, size: { width: 1024, height: 1024 }, resize },
    ],
  })) {
    frames++;
    if (frame.output === 'mllm') {
      if (fastSlot.has(frame.frameIndex)) write(fastTensor, fastSlot.get(frame.frameIndex), frame);
      slow.forEach((s, k) => {
        if (s === frame.frameIndex) write(slowTensor, k, frame);
      });
    } else {
      slow.forEach((s, k) => {
        if (s === frame.frameIndex) write(samTensor, k, frame);
      });
    }
  }
}
const wallSeconds = (performance.now() - started) / 1000;
/** CPU seconds of this process (all threads) plus its reaped children (FFmpeg), Linux only for children. */
function cpuSeconds() {
  const own = process.resourceUsage();
  let children = null;
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // fields after "(comm) ": index 13 = cutime, 14 = cstime (clock ticks, 100 per second on Linux)
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    // not Linux
  }
  return { own: (own.userCPUTime + own.systemCPUTime) / 1e6, children };
}
const childPeak = watcher.stop();
console.log(
  JSON.stringify({
    wallSeconds,
    cpu: cpuSeconds(),
    nodePeakRssMiB: process.resourceUsage().maxRSS / 1024,
    ffmpegPeakRssMiB: childPeak === null ? null : childPeak / 1024,
    frames,
    frameCount: L,
  }),
);
