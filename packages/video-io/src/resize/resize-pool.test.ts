import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../write/png.js';
import { ResizeRunner } from './resize-pool.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', '..', 'test', 'fixtures', 'resize');
const builtWorker = join(here, '..', '..', 'dist', 'resize-worker.js');
const haveBuild = existsSync(builtWorker);
if (!haveBuild)
  console.warn(
    `[video-io tests] ${builtWorker} not built: skipping the worker-thread resize test (run tsup).`,
  );

describe('ResizeRunner', () => {
  it('resizes on the main thread when no worker file exists, bit-identical to Pillow', async () => {
    const runner = new ResizeRunner(pathToFileURL(join(here, 'no-such-worker.js')));
    const source = decodePng(readFileSync(join(fixtures, 'source-960x540.png')));
    const expected = decodePng(readFileSync(join(fixtures, 'source-960x540-to-448x448-bicubic.png')));
    const out = await runner.resize(source, { width: 448, height: 448 }, 'bicubic');
    expect(Buffer.from(out.data).equals(Buffer.from(expected.data))).toBe(true);
    await runner.close();
  });

  it.skipIf(!haveBuild)('resizes on the built worker thread, bit-identical to Pillow', async () => {
    const runner = new ResizeRunner(pathToFileURL(builtWorker));
    const source = decodePng(readFileSync(join(fixtures, 'source-960x540.png')));
    const expected = decodePng(readFileSync(join(fixtures, 'source-960x540-to-1024x1024-bicubic.png')));
    const out = await runner.resize(source, { width: 1024, height: 1024 }, 'bicubic');
    expect(source.data.length).toBe(0); // transferred to the worker, not copied
    expect(Buffer.from(out.data).equals(Buffer.from(expected.data))).toBe(true);
    await runner.close();
  });
});
