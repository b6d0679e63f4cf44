import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StageInputError } from '../errors/stage-error.js';

/** Writes `data` to `filePath` atomically: a temp file in the same folder, fsynced, then renamed over it. */
export async function writeFileAtomic(filePath: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(filePath), { recursive: true });
  const temp = `${filePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, filePath);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** JSON with a trailing newline, written atomically. */
export function writeJsonAtomic(filePath: string, value: unknown): Promise<void> {
  return writeFileAtomic(filePath, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a JSON file; undefined when it does not exist; a typed error when it is not JSON. */
export async function readJsonIfExists<T>(filePath: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StageInputError(filePath, `not valid JSON (${(error as Error).message})`);
  }
}

/** Reads a JSON file another stage must have written. */
export async function readJson<T>(filePath: string): Promise<T> {
  const value = await readJsonIfExists<T>(filePath);
  if (value === undefined)
    throw new StageInputError(filePath, 'missing; its stage has not run for this video');
  return value;
}
