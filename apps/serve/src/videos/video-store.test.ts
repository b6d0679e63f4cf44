import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VideoStore } from './video-store.js';

const tempRoot = mkdtempSync(path.join(os.tmpdir(), 'videoloom-store-test-'));
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

const metadata = { width: 2, height: 2, fps: 1, frameCount: 1, durationSeconds: 1 };

async function addVideo(store: VideoStore): Promise<string> {
  const { id, dir } = await store.reserve();
  const file = path.join(dir, 'video.mp4');
  writeFileSync(file, 'x');
  store.add({ id, dir, path: file, uploadName: 'a.mp4', metadata });
  return id;
}

describe('VideoStore', () => {
  it('lays uploads out under <tempRoot>/videoloom-serve-<pid>/<server>/<id>/', async () => {
    const store = await VideoStore.create({ tempRoot, ttlSeconds: 60 });
    const id = await addVideo(store);
    expect(store.processDir).toBe(path.join(tempRoot, `videoloom-serve-${process.pid}`));
    expect(path.dirname(store.root)).toBe(store.processDir);
    expect(store.get(id)?.path).toBe(path.join(store.root, id, 'video.mp4'));
    await store.close();
    expect(existsSync(store.processDir)).toBe(false);
  });

  it('only accepts well-formed ids', async () => {
    const store = await VideoStore.create({ tempRoot, ttlSeconds: 60 });
    const id = await addVideo(store);
    expect(store.get(id)).toBeDefined();
    expect(store.get(`../${id}`)).toBeUndefined();
    expect(store.get(`${id}x`)).toBeUndefined();
    expect(store.get('')).toBeUndefined();
    await store.close();
  });

  it('keeps the per-process folder while another server of the process still uses it', async () => {
    const a = await VideoStore.create({ tempRoot, ttlSeconds: 60 });
    const b = await VideoStore.create({ tempRoot, ttlSeconds: 60 });
    await addVideo(a);
    const kept = await addVideo(b);
    await a.close();
    expect(existsSync(a.root)).toBe(false);
    expect(existsSync(b.root)).toBe(true);
    expect(b.get(kept)).toBeDefined();
    await b.close();
    expect(existsSync(b.processDir)).toBe(false);
  });

  it('deletes a pinned upload only when its last pin is released', async () => {
    const store = await VideoStore.create({ tempRoot, ttlSeconds: 60 });
    const id = await addVideo(store);
    const dir = path.join(store.root, id);
    const unpinA = store.pin(id);
    const unpinB = store.pin(id);
    expect(store.delete(id)).toBe(true);
    expect(store.get(id)).toBeUndefined();
    expect(store.delete(id)).toBe(false);
    unpinA();
    unpinA();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(dir)).toBe(true);
    unpinB();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(dir)).toBe(false);
    await store.close();
  });

  it('removes the folders that servers killed without closing left behind, and only those', async () => {
    const root = mkdtempSync(path.join(tempRoot, 'leftovers-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(dead.stdout);
    const stale = path.join(root, `videoloom-serve-${deadPid}`);
    mkdirSync(path.join(stale, 'server-x', 'id'), { recursive: true });
    writeFileSync(path.join(stale, 'server-x', 'id', 'video.mp4'), 'x');
    const alive = path.join(root, `videoloom-serve-${process.ppid}`);
    mkdirSync(alive);
    const unrelated = path.join(root, 'videoloom-serve-notes');
    mkdirSync(unrelated);
    const store = await VideoStore.create({ tempRoot: root, ttlSeconds: 60 });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    await store.close();
  });
});
