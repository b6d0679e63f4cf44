import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolveFfmpegBinaries } from '../../src/ffmpeg/binaries.js';

const execFileAsync = promisify(execFile);

/** Runs the resolved ffmpeg (or ffprobe) with arguments; returns stdout. */
export async function ffmpegTool(tool: 'ffmpeg' | 'ffprobe', args: readonly string[]): Promise<string> {
  const binaries = await resolveFfmpegBinaries();
  const { stdout } = await execFileAsync(binaries[tool], args, { maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** Like ffmpegTool, for binary output (raw frames). */
export async function ffmpegToolBytes(tool: 'ffmpeg' | 'ffprobe', args: readonly string[]): Promise<Buffer> {
  const binaries = await resolveFfmpegBinaries();
  const { stdout } = await execFileAsync(binaries[tool], args, {
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'buffer',
  });
  return stdout;
}

/** A fresh temporary folder for one test file. */
export function temporaryFolder(prefix: string): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), `videoloom-${prefix}-`));
}

/**
 * Writes a testsrc clip (a moving pattern with a frame counter) with libx264, B-frames on.
 * @returns the path
 */
export async function makeTestsrcClip(
  dir: string,
  name: string,
  options: {
    fps?: string;
    frames?: number;
    width?: number;
    height?: number;
    extraArgs?: readonly string[];
  } = {},
): Promise<string> {
  const { fps = '30000/1001', frames = 48, width = 160, height = 96 } = options;
  const path = join(dir, name);
  await ffmpegTool('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${width}x${height}:rate=${fps}`,
    '-frames:v',
    String(frames),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-bf',
    '2',
    '-g',
    '1000',
    '-pix_fmt',
    'yuv420p',
    ...(options.extraArgs ?? []),
    '-y',
    path,
  ]);
  return path;
}

/** ffprobe's own pts of every decoded frame (full decode; the independent reference for timestamps). */
export async function ffprobeFramePts(path: string): Promise<number[]> {
  const out = await ffmpegTool('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'frame=pts',
    '-of',
    'json',
    path,
  ]);
  return (JSON.parse(out) as { frames: { pts: number }[] }).frames.map((f) => f.pts);
}

/** The shared data folder (real clips), or undefined with a visible notice when it is absent. */
export async function sharedVideosDir(): Promise<string | undefined> {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  const shared = process.env.VIDEOLOOM_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
  const dir = join(shared, 'data', 'videos');
  try {
    await fs.access(join(dir, '02_cups.mp4'));
    return dir;
  } catch {
    console.warn(
      `[video-io tests] real clips not found in ${dir}: skipping real-video tests (set VIDEOLOOM_SHARED_DIR).`,
    );
    return undefined;
  }
}
