import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The shared data folder (official example files), never committed: `VIDEOLOOM_SHARED_DIR` or `<repo>/../shared`. */
export const sharedDir = process.env.VIDEOLOOM_SHARED_DIR ?? resolve(here, '../../../../shared');

/** Path of an official example folder, or undefined (with a visible notice) when it is absent. */
export function officialExample(name: string): string | undefined {
  const dir = join(sharedDir, 'data', 'official-examples', name);
  if (existsSync(dir)) return dir;
  console.warn(
    `[metrics tests] skipping: official example ${name} not found under ${sharedDir} (set VIDEOLOOM_SHARED_DIR)`,
  );
  return undefined;
}
