import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { type BinaryAttempt, FfmpegNotFoundError } from '../errors/index.js';

const execFileAsync = promisify(execFile);

export type FfmpegTool = 'ffmpeg' | 'ffprobe';

/** Where each tool's static build lives on npm (they install on Linux x64 only, as optional deps). */
const NPM_PACKAGES: Record<FfmpegTool, string> = {
  ffmpeg: '@ffmpeg-installer/linux-x64',
  ffprobe: '@ffprobe-installer/linux-x64',
};

/** The binaries a source runs, and where each came from. */
export interface FfmpegBinaries {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await fs.access(path, constants.X_OK);
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

async function works(path: string): Promise<string | undefined> {
  try {
    await execFileAsync(path, ['-version'], { timeout: 20_000 });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/**
 * Package managers that skip install scripts (pnpm by default) leave the npm binary without its
 * executable bit. Make it executable in place, or, when node_modules is read-only, in a cache copy.
 */
async function executableCopyOf(path: string, tool: FfmpegTool): Promise<string> {
  if (await isExecutable(path)) return path;
  try {
    await fs.chmod(path, 0o755);
    if (await isExecutable(path)) return path;
  } catch {
    // read-only install: fall through to the cache copy
  }
  const stat = await fs.stat(path);
  const dir = join(tmpdir(), 'videoloom-ffmpeg');
  const copy = join(dir, `${tool}-${stat.size}`);
  if (await isExecutable(copy)) return copy;
  await fs.mkdir(dir, { recursive: true });
  const temporary = `${copy}.${process.pid}.tmp`;
  await fs.copyFile(path, temporary);
  await fs.chmod(temporary, 0o755);
  await fs.rename(temporary, copy);
  return copy;
}

async function resolveTool(tool: FfmpegTool): Promise<string> {
  const attempts: BinaryAttempt[] = [];
  const fromEnv = process.env[`VIDEOLOOM_${tool.toUpperCase()}`];
  const candidates: { path: string; origin: 'env' | 'npm' | 'path' }[] = [];
  if (fromEnv) candidates.push({ path: fromEnv, origin: 'env' });
  try {
    const require = createRequire(import.meta.url);
    const packageJson = require.resolve(`${NPM_PACKAGES[tool]}/package.json`);
    candidates.push({ path: join(packageJson, '..', tool), origin: 'npm' });
  } catch {
    attempts.push({
      path: NPM_PACKAGES[tool],
      reason: 'npm package not installed (it installs on Linux x64 only)',
    });
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    candidates.push({ path: join(dir, tool), origin: 'path' });
  }
  for (const candidate of candidates) {
    try {
      await fs.access(candidate.path, constants.F_OK);
    } catch {
      if (candidate.origin !== 'path') attempts.push({ path: candidate.path, reason: 'file does not exist' });
      continue;
    }
    try {
      const runnable =
        candidate.origin === 'npm' ? await executableCopyOf(candidate.path, tool) : candidate.path;
      const failure = await works(runnable);
      if (failure === undefined) return runnable;
      attempts.push({ path: candidate.path, reason: `"${tool} -version" failed: ${failure}` });
    } catch (error) {
      attempts.push({ path: candidate.path, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  if (!attempts.some((a) => a.reason.includes('PATH')))
    attempts.push({ path: 'PATH', reason: `no ${tool} found` });
  throw new FfmpegNotFoundError(tool, attempts);
}

let cached: Promise<FfmpegBinaries> | undefined;

/**
 * Finds ffmpeg and ffprobe: `VIDEOLOOM_FFMPEG` / `VIDEOLOOM_FFPROBE` first, then the static builds from
 * npm (Linux x64), then PATH. The result is cached for the process.
 */
export function resolveFfmpegBinaries(): Promise<FfmpegBinaries> {
  cached ??= Promise.all([resolveTool('ffmpeg'), resolveTool('ffprobe')]).then(([ffmpeg, ffprobe]) => ({
    ffmpeg,
    ffprobe,
  }));
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
