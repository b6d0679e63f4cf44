// Shot-partition benchmark: analysis speed on real 720p frames against real time, plus a reference pass
// in the same process that only reads every pixel once (the floor any per-frame analysis pays).
// Decoding uses the dev dependency's static ffmpeg (a stand-in until @videoloom/video-io is wired) and is
// timed separately: the figure that matters is analysis time vs. video duration.
// Writes <repo>/bench-results/data.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { partitionShots } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const require = createRequire(import.meta.url);
const ffmpeg = path.join(path.dirname(require.resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
const videos = path.join(
  process.env.VIDEOLOOM_SHARED_DIR ?? path.join(root, '..', 'shared'),
  'data',
  'videos',
);
const clip = path.join(videos, '02_cups.mp4');
if (!fs.existsSync(clip)) {
  console.warn(`[data bench] ${clip} not found; set VIDEOLOOM_SHARED_DIR. Nothing measured.`);
  process.exit(0);
}
const width = 1280;
const height = 720;
const fps = 30000 / 1001;

/** Raw 720p RGB frames from ffmpeg; `timing.consumerMs` sums the time the consumer held each frame. */
function frames(timing) {
  return {
    async *[Symbol.asyncIterator]() {
      const child = spawn(
        ffmpeg,
        ['-v', 'error', '-i', clip, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const frameBytes = width * height * 3;
      // Chunks are gathered and joined once per frame (joining on every 64 KiB chunk is quadratic).
      let chunks = [];
      let buffered = 0;
      let frameIndex = 0;
      for await (const chunk of child.stdout) {
        chunks.push(chunk);
        buffered += chunk.length;
        while (buffered >= frameBytes) {
          const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          const rgb = new Uint8Array(all.buffer, all.byteOffset, frameBytes);
          chunks = all.length > frameBytes ? [all.subarray(frameBytes)] : [];
          buffered = all.length - frameBytes;
          const start = performance.now();
          yield { frameIndex, timeSeconds: frameIndex / fps, width, height, rgb };
          timing.consumerMs += performance.now() - start;
          frameIndex++;
        }
      }
      timing.frames = frameIndex;
    },
  };
}

async function readOnly(source) {
  let sum = 0;
  for await (const f of source) for (let i = 0; i < f.rgb.length; i += 1) sum += f.rgb[i];
  return sum;
}

const reference = { consumerMs: 0, frames: 0 };
await readOnly(frames(reference));
const timing = { consumerMs: 0, frames: 0 };
const wallStart = performance.now();
const partition = await partitionShots(frames(timing));
const wallMs = performance.now() - wallStart;
const videoSeconds = timing.frames / fps;
const result = {
  clip: path.basename(clip),
  resolution: `${width}x${height}`,
  frames: timing.frames,
  videoSeconds,
  analysisMs: timing.consumerMs,
  analysisMsPerFrame: timing.consumerMs / timing.frames,
  realTimeFactor: (videoSeconds * 1000) / timing.consumerMs,
  wallMsIncludingDecode: wallMs,
  realTimeFactorIncludingDecode: (videoSeconds * 1000) / wallMs,
  readOnlyReferenceMsPerFrame: reference.consumerMs / reference.frames,
  ratioToReadOnlyReference: timing.consumerMs / reference.consumerMs,
  shots: partition.shots.length,
};
console.log(
  `shot partition, ${result.resolution}, ${result.frames} frames (${videoSeconds.toFixed(2)} s of video):\n` +
    `  analysis ${result.analysisMsPerFrame.toFixed(2)} ms/frame = ${result.realTimeFactor.toFixed(1)}x real time\n` +
    `  with ffmpeg decode ${result.realTimeFactorIncludingDecode.toFixed(1)}x real time\n` +
    `  reference (read every byte once) ${result.readOnlyReferenceMsPerFrame.toFixed(2)} ms/frame; analysis = ${result.ratioToReadOnlyReference.toFixed(2)}x reference`,
);
fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
fs.writeFileSync(
  path.join(root, 'bench-results', 'data.json'),
  `${JSON.stringify({ shotPartition: result }, null, 2)}\n`,
);
