import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** What the server tells a client about an upload (from the video stream, never the container). */
export interface VideoMetadata {
  readonly width: number;
  readonly height: number;
  /** Nominal frame rate in frames per second. */
  readonly fps: number;
  readonly frameCount: number;
  readonly durationSeconds: number;
}

/** One stored upload. */
export interface StoredVideo {
  readonly id: string;
  /** Folder holding only this upload (removed with it). */
  readonly dir: string;
  /** The video file itself, `<dir>/video.<ext>`. */
  readonly path: string;
  /** The file name the client sent, for messages. */
  readonly uploadName: string;
  readonly metadata: VideoMetadata;
}

interface Entry {
  readonly video: StoredVideo;
  lastUsedMs: number;
  pins: number;
  deleted: boolean;
}

export interface VideoStoreOptions {
  /** Parent folder of the temporary area (os.tmpdir() in production). */
  readonly tempRoot: string;
  /** An upload is removed this long after it was last stored, fetched or asked about. */
  readonly ttlSeconds: number;
  /** Clock in milliseconds (tests pass their own). @defaultValue Date.now */
  readonly now?: () => number;
}

const PROCESS_DIR_PATTERN = /^videoloom-serve-(\d+)$/;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A server killed without closing (SIGKILL, a crash) leaves its `videoloom-serve-<pid>` folder behind:
 * remove those whose process is gone. Folders of other users are left alone (not ours to remove).
 */
export async function removeAreasOfDeadProcesses(tempRoot: string): Promise<string[]> {
  const removed: string[] = [];
  const names = await fs.readdir(tempRoot).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(PROCESS_DIR_PATTERN.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || processIsAlive(pid)) continue;
    const dir = path.join(tempRoot, name);
    try {
      const stat = await fs.stat(dir);
      if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) continue;
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // raced with another server doing the same, or not ours: leave it
    }
  }
  return removed;
}

/** 16 random bytes as base64url: 22 characters from [A-Za-z0-9_-]. */
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * The uploads of one server: `<tempRoot>/videoloom-serve-<pid>/<instance>/<videoId>/video.<ext>`.
 * Uploads expire `ttlSeconds` after their last use; one an engine call is reading (pinned) waits
 * until the call ends. `close()` removes the whole instance folder, and the per-process folder when
 * no other server of the process still uses it.
 */
export class VideoStore {
  private readonly entries = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private closed = false;

  private constructor(
    /** The per-process folder `videoloom-serve-<pid>`. */
    readonly processDir: string,
    /** This server's folder inside it; everything the server writes is below. */
    readonly root: string,
    private readonly options: VideoStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    const sweepMs = Math.max(50, Math.min(60_000, (options.ttlSeconds * 1000) / 4));
    this.timer = setInterval(() => void this.sweep(), sweepMs);
    this.timer.unref();
  }

  static async create(options: VideoStoreOptions): Promise<VideoStore> {
    await removeAreasOfDeadProcesses(options.tempRoot);
    const processDir = path.join(options.tempRoot, `videoloom-serve-${process.pid}`);
    await fs.mkdir(processDir, { recursive: true, mode: 0o700 });
    const root = await fs.mkdtemp(path.join(processDir, 'server-'));
    return new VideoStore(processDir, root, options);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A new id and its empty folder, for an upload in progress (removed again by `discard`). */
  async reserve(): Promise<{ readonly id: string; readonly dir: string }> {
    this.assertOpen();
    const id = randomBytes(16).toString('base64url');
    const dir = path.join(this.root, id);
    await fs.mkdir(dir, { mode: 0o700 });
    return { id, dir };
  }

  /** Removes a reserved folder whose upload failed. */
  async discard(dir: string): Promise<void> {
    await fs.rm(dir, { recursive: true, force: true });
  }

  /** Registers a complete upload (its file already at `video.path`). */
  add(video: StoredVideo): void {
    this.assertOpen();
    this.entries.set(video.id, { video, lastUsedMs: this.now(), pins: 0, deleted: false });
  }

  /** The upload with this id, refreshing its expiry; undefined when unknown or expired. */
  get(id: string): StoredVideo | undefined {
    if (!ID_PATTERN.test(id)) return undefined;
    const entry = this.entries.get(id);
    if (!entry || entry.deleted) return undefined;
    entry.lastUsedMs = this.now();
    return entry.video;
  }

  /** Keeps the upload on disk until the returned function is called (an engine call reads it). */
  pin(id: string): () => void {
    const entry = this.entries.get(id);
    if (!entry) throw new RangeError(`video ${id} is not stored`);
    entry.pins++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.pins--;
      entry.lastUsedMs = this.now();
      if (entry.deleted && entry.pins === 0) void this.remove(entry);
    };
  }

  /** Deletes an upload now, or as soon as the calls reading it end. False when unknown. */
  delete(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || entry.deleted) return false;
    entry.deleted = true;
    if (entry.pins === 0) void this.remove(entry);
    return true;
  }

  /** Removes every upload unused for `ttlSeconds` (runs on a timer; tests may call it). */
  async sweep(): Promise<number> {
    const cutoff = this.now() - this.options.ttlSeconds * 1000;
    const expired = [...this.entries.values()].filter(
      (e) => !e.deleted && e.pins === 0 && e.lastUsedMs <= cutoff,
    );
    for (const entry of expired) entry.deleted = true;
    await Promise.all(expired.map((entry) => this.remove(entry)));
    return expired.length;
  }

  /** Stops the expiry timer and removes the whole temporary area of this server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.entries.clear();
    await fs.rm(this.root, { recursive: true, force: true });
    // Other servers of this process may still use the per-process folder: only an empty one goes.
    await fs.rmdir(this.processDir).catch(() => undefined);
  }

  private async remove(entry: Entry): Promise<void> {
    if (this.entries.get(entry.video.id) === entry) this.entries.delete(entry.video.id);
    await fs.rm(entry.video.dir, { recursive: true, force: true });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the video store is closed');
  }
}
