import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A temporary path beside `path` (same folder, so the final rename is atomic). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
}

/**
 * Runs `write(temporaryPath)` and renames the result onto `path`: readers never see a half-written
 * file, and an existing file is only replaced by a complete one.
 */
export async function writeAtomically(
  path: string,
  write: (temporaryPath: string) => Promise<void>,
): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPathFor(path);
  try {
    await write(temporary);
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}
