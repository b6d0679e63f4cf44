import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FfmpegVideoSource, type VideoInfo } from '@videoloom/video-io';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerResult, AskTask } from '../src/engine.js';
import { expectedTestAnswer, expectedTestEvents } from './support/deterministic-test-engine.js';
import {
  eventually,
  postJson,
  readNdjson,
  startTestServer,
  type TestServer,
  type UploadedVideo,
  uploadBytes,
  uploadFile,
  uploadOk,
} from './support/test-server.js';
import { writeTestVideo } from './support/test-videos.js';

let dir: string;
/** 64x48, 12 fps, 24 frames: 2 s. */
let clip: string;
let clipInfo: VideoInfo;
const servers: TestServer[] = [];

async function serve(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const t = await startTestServer(...args);
  servers.push(t);
  return t;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'videoloom-serve-test-'));
  clip = await writeTestVideo(path.join(dir, 'clip.mp4'), { width: 64, height: 48, fps: 12, frames: 24 });
  clipInfo = await new FfmpegVideoSource().probe(clip);
}, 60_000);

afterEach(async () => {
  await Promise.all(servers.splice(0).map((t) => t.server.close()));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function errorOf(response: Response): Promise<{ code: string; message: string; field?: string }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string; field?: string } };
  expect(Object.keys(body)).toEqual(['error']);
  return body.error;
}

describe('health and readiness', () => {
  it('answers /healthz at once and /readyz with 503 until ready() resolves', async () => {
    let resolveReady!: () => void;
    const ready = new Promise<void>((resolve) => {
      resolveReady = resolve;
    });
    const t = await serve({ ready: () => ready });
    const health = await fetch(t.url('/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const loading = await fetch(t.url('/readyz'));
    expect(loading.status).toBe(503);
    expect(loading.headers.get('retry-after')).toBe('5');
    expect(await loading.json()).toMatchObject({
      ready: false,
      status: 'loading',
      error: { code: 'engine_not_ready' },
    });

    const early = await postJson(t, '/v1/ask', { videoId: 'x'.repeat(22), task: 'when', question: 'When?' });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('5');
    expect((await errorOf(early)).code).toBe('engine_not_ready');

    resolveReady();
    await eventually(async () => (await fetch(t.url('/readyz'))).status === 200);
    expect(await (await fetch(t.url('/readyz'))).json()).toEqual({ ready: true, status: 'ready' });
  });

  it('keeps /readyz at 503 with the reason when ready() rejects, and refuses asks; /healthz stays 200', async () => {
    const t = await serve({
      ready: () => Promise.reject(new Error('weights file model.safetensors is truncated')),
    });
    await eventually(
      async () => ((await (await fetch(t.url('/readyz'))).json()) as { status: string }).status === 'failed',
    );
    const ready = await fetch(t.url('/readyz'));
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('engine_failed');
    expect(body.error.message).toContain('model.safetensors is truncated');
    expect((await fetch(t.url('/healthz'))).status).toBe(200);
    const ask = await postJson(t, '/v1/ask', { videoId: 'x'.repeat(22), task: 'when', question: 'When?' });
    expect(ask.status).toBe(503);
    expect((await errorOf(ask)).message).toContain('model.safetensors is truncated');
  });
});

describe('POST /v1/videos', () => {
  it('stores a video, reports its stream metadata, and serves it back with Range support', async () => {
    const t = await serve();
    const response = await uploadFile(t, clip);
    expect(response.status).toBe(201);
    const video = (await response.json()) as UploadedVideo;
    expect(video).toEqual({
      videoId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      width: 64,
      height: 48,
      fps: 12,
      frameCount: 24,
      durationSeconds: clipInfo.durationSeconds,
    });
    expect(video.durationSeconds).toBeCloseTo(2, 6);
    expect(response.headers.get('location')).toBe(`/v1/videos/${video.videoId}`);

    // Stored in the server's temporary area, under os.tmpdir()/videoloom-serve-<pid>/.
    const stored = path.join(t.server.store.root, video.videoId, 'video.mp4');
    expect(t.server.store.root.startsWith(path.join(os.tmpdir(), `videoloom-serve-${process.pid}`))).toBe(
      true,
    );
    const bytes = readFileSync(clip);
    expect(readFileSync(stored).equals(bytes)).toBe(true);

    const whole = await fetch(t.url(`/v1/videos/${video.videoId}`));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await fetch(t.url(`/v1/videos/${video.videoId}`), { headers: { range: 'bytes=10-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-99/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 100))).toBe(true);

    const tail = await fetch(t.url(`/v1/videos/${video.videoId}`), { headers: { range: 'bytes=-16' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 16))).toBe(true);

    const outside = await fetch(t.url(`/v1/videos/${video.videoId}`), {
      headers: { range: `bytes=${bytes.length + 10}-${bytes.length + 20}` },
    });
    expect(outside.status).toBe(416);
    expect((await errorOf(outside)).code).toBe('range_not_satisfiable');

    const missing = await fetch(t.url(`/v1/videos/${'A'.repeat(22)}`));
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ code: 'video_not_found', field: 'id' });
  });

  it('refuses a file over the size limit with 413 and keeps nothing', async () => {
    const size = readFileSync(clip).length;
    const t = await serve({}, { maxUploadBytes: Math.floor(size / 2) });
    const response = await uploadFile(t, clip);
    expect(response.status).toBe(413);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'file_too_large', field: 'file' });
    expect(error.message).toContain('MiB');
    expect(readdirSync(t.server.store.root)).toEqual([]);
    // The server is still usable on the same connection pool.
    expect((await fetch(t.url('/healthz'))).status).toBe(200);
  });

  it('refuses a declared body far over the limit before reading it', async () => {
    const t = await serve({}, { maxUploadBytes: 1024 });
    const response = await uploadBytes(t, new Uint8Array(3 * 1024 * 1024), 'big.mp4');
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('file_too_large');
    expect(readdirSync(t.server.store.root)).toEqual([]);
  });

  it('refuses a video longer than the duration limit with 422 and keeps nothing', async () => {
    const t = await serve({}, { maxDurationSeconds: 1.5 });
    const response = await uploadFile(t, clip);
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'video_too_long', field: 'file' });
    expect(error.message).toContain('"clip.mp4" is 2.00 s long');
    expect(error.message).toContain('up to 1.5 s');
    expect(readdirSync(t.server.store.root)).toEqual([]);
  });

  it('refuses a file that is not a video with 422, naming the upload and never the server path', async () => {
    const t = await serve();
    const response = await uploadBytes(
      t,
      new TextEncoder().encode('hello, this is not a video\n'.repeat(50)),
      'notes.mp4',
    );
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'not_a_video', field: 'file' });
    expect(error.message).toContain('"notes.mp4"');
    expect(error.message).not.toContain(t.server.store.root);
    expect(error.message).not.toContain(os.tmpdir());
    expect(readdirSync(t.server.store.root)).toEqual([]);
  });

  it('refuses a cut video (header without its data) with 422', async () => {
    const t = await serve();
    const bytes = readFileSync(clip);
    const response = await uploadBytes(t, bytes.subarray(0, Math.floor(bytes.length / 3)), 'cut.mp4');
    expect(response.status).toBe(422);
    expect(['not_a_video', 'video_not_decodable']).toContain((await errorOf(response)).code);
    expect(readdirSync(t.server.store.root)).toEqual([]);
  });

  it('refuses forms without the file field, with two files, or that are not multipart', async () => {
    const t = await serve();
    const bytes = readFileSync(clip);
    const wrongField = await uploadBytes(t, bytes, 'clip.mp4', { field: 'video' });
    expect(wrongField.status).toBe(400);
    const wrong = await errorOf(wrongField);
    expect(wrong).toMatchObject({ code: 'missing_file', field: 'file' });
    expect(wrong.message).toContain('(only a file in the field "video")');

    const form = new FormData();
    form.append('title', 'no file here');
    const noFile = await fetch(t.url('/v1/videos'), { method: 'POST', body: form });
    expect(noFile.status).toBe(400);
    expect(await errorOf(noFile)).toMatchObject({ code: 'missing_file', field: 'file' });

    const twoFiles = await uploadBytes(t, bytes, 'clip.mp4', { extraFile: 'other' });
    expect(twoFiles.status).toBe(400);
    expect(await errorOf(twoFiles)).toMatchObject({ code: 'too_many_files', field: 'other' });

    const json = await postJson(t, '/v1/videos', { file: 'clip.mp4' });
    expect(json.status).toBe(415);
    expect((await errorOf(json)).code).toBe('unsupported_media_type');
    expect(readdirSync(t.server.store.root)).toEqual([]);
  });

  it('deletes an upload on DELETE', async () => {
    const t = await serve();
    const video = await uploadOk(t, clip);
    const deleted = await fetch(t.url(`/v1/videos/${video.videoId}`), { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    await eventually(() => !existsSync(path.join(t.server.store.root, video.videoId)));
    expect((await fetch(t.url(`/v1/videos/${video.videoId}`))).status).toBe(404);
    expect((await fetch(t.url(`/v1/videos/${video.videoId}`), { method: 'DELETE' })).status).toBe(404);
  });
});

describe('POST /v1/ask validation', () => {
  it.each([
    ['no JSON at all', '', 400, 'invalid_body', undefined],
    ['broken JSON', '{"videoId": ', 400, 'invalid_body', undefined],
    ['an array', [], 400, 'invalid_body', undefined],
    ['no videoId', { task: 'when', question: 'When?' }, 400, 'invalid_field', 'videoId'],
    ['a numeric videoId', { videoId: 7, task: 'when', question: 'When?' }, 400, 'invalid_field', 'videoId'],
    ['an unknown task', { videoId: 'VID', task: 'how', question: 'How?' }, 400, 'invalid_field', 'task'],
    [
      'an empty question',
      { videoId: 'VID', task: 'when', question: '   ' },
      400,
      'invalid_field',
      'question',
    ],
    [
      'a too long question',
      { videoId: 'VID', task: 'free', question: 'x'.repeat(1001) },
      400,
      'invalid_field',
      'question',
    ],
    [
      'an unknown field',
      { videoId: 'VID', task: 'when', question: 'When?', video_id: 'x' },
      400,
      'unknown_field',
      'video_id',
    ],
    [
      'an unknown videoId',
      { videoId: 'B'.repeat(22), task: 'when', question: 'When?' },
      404,
      'video_not_found',
      'videoId',
    ],
  ])('refuses %s', async (_label, body, status, code, field) => {
    const t = await serve();
    const video = await uploadOk(t, clip);
    const withId =
      typeof body === 'object' && !Array.isArray(body) && (body as { videoId?: unknown }).videoId === 'VID'
        ? { ...body, videoId: video.videoId }
        : body;
    for (const route of ['/v1/ask', '/v1/ask/stream']) {
      const response = await postJson(t, route, withId);
      expect(response.status).toBe(status);
      const error = await errorOf(response);
      expect(error.code).toBe(code);
      expect(error.field).toBe(field);
      expect(error.message.length).toBeGreaterThan(20);
    }
    expect(t.engine.started).toBe(0);
  });

  it('names the limits in its messages', async () => {
    const t = await serve({}, { maxQuestionChars: 10 });
    const video = await uploadOk(t, clip);
    const long = await errorOf(
      await postJson(t, '/v1/ask', { videoId: video.videoId, task: 'free', question: '12345678901' }),
    );
    expect(long.message).toBe('"question" is 11 characters long; at most 10 are accepted.');
    const task = await errorOf(
      await postJson(t, '/v1/ask', { videoId: video.videoId, task: 'When', question: 'q' }),
    );
    expect(task.message).toBe(
      '"task" must be one of "when", "where", "combined", "free"; received the string "When".',
    );
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const t = await serve();
    const response = await postJson(t, '/v1/ask', {
      videoId: 'x',
      task: 'free',
      question: 'q'.repeat(70_000),
    });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('body_too_large');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const t = await serve();
    const response = await fetch(t.url('/v1/nothing'));
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('POST /v1/ask');
  });
});

describe('POST /v1/ask and /v1/ask/stream', () => {
  it.each<AskTask>(['when', 'where', 'combined', 'free'])(
    'answers a %s question with the engine result',
    async (task) => {
      const t = await serve();
      const video = await uploadOk(t, clip);
      const response = await postJson(t, '/v1/ask', {
        videoId: video.videoId,
        task,
        question: '  When does the square cross?  ',
      });
      expect(response.status).toBe(200);
      const result = (await response.json()) as AnswerResult;
      expect(result).toEqual(expectedTestAnswer(clipInfo, { task, question: 'When does the square cross?' }));
      // The engine got the stored file and the trimmed question.
      expect(t.engine.requests).toEqual([
        {
          videoPath: path.join(t.server.store.root, video.videoId, 'video.mp4'),
          question: 'When does the square cross?',
          task,
        },
      ]);
    },
  );

  it('streams NDJSON: accepted, every engine event in order, then the same result /v1/ask gives', async () => {
    const t = await serve();
    const video = await uploadOk(t, clip);
    const body = { videoId: video.videoId, task: 'combined', question: 'Where is the square when it moves?' };
    const plain = (await (await postJson(t, '/v1/ask', body)).json()) as AnswerResult;

    const response = await postJson(t, '/v1/ask/stream', body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const { lines, raw } = await readNdjson(response);
    expect(raw.endsWith('\n')).toBe(true);
    expect(
      raw
        .split('\n')
        .slice(0, -1)
        .every((line) => line.length > 0 && !line.includes('\r')),
    ).toBe(true);
    expect(lines[0]).toEqual({ type: 'accepted', queuePosition: 0 });
    expect(lines.slice(1, -1)).toEqual(JSON.parse(JSON.stringify(expectedTestEvents(plain))));
    expect(lines.at(-1)).toEqual({ type: 'result', ...plain });
    expect(plain.masks.length).toBe(13);
    expect(plain.span).not.toBeNull();
  });

  it('runs at most --concurrency calls, queues --queue-size more, and answers 429 with Retry-After beyond', async () => {
    const t = await serve({ hold: true }, { concurrency: 1, queueSize: 1 });
    const video = await uploadOk(t, clip);
    const body = { videoId: video.videoId, task: 'when', question: 'When?' };

    const first = await postJson(t, '/v1/ask/stream', body);
    await t.engine.until((e) => e.held === 1);
    const second = await postJson(t, '/v1/ask/stream', body);
    const secondLines: Record<string, unknown>[] = [];
    const secondDone = readNdjson(second, (line) => {
      secondLines.push(line);
      return false;
    });
    await eventually(() => secondLines.length === 1);
    expect(secondLines[0]).toEqual({ type: 'accepted', queuePosition: 1 });
    expect(t.server.queue.running).toBe(1);
    expect(t.server.queue.waiting).toBe(1);

    const third = await postJson(t, '/v1/ask', body);
    expect(third.status).toBe(429);
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    const error = await errorOf(third);
    expect(error.code).toBe('queue_full');
    expect(error.message).toContain('1 question(s) running and 1 waiting');
    const thirdStream = await postJson(t, '/v1/ask/stream', body);
    expect(thirdStream.status).toBe(429);
    await thirdStream.arrayBuffer();
    expect(t.engine.started).toBe(1);

    t.engine.release(2);
    const firstLines = (await readNdjson(first)).lines;
    await secondDone;
    expect(firstLines.at(-1)?.type).toBe('result');
    expect(secondLines.at(-1)?.type).toBe('result');
    expect(t.engine.maxRunning).toBe(1);
    expect(t.engine.started).toBe(2);
    expect(t.server.queue.running + t.server.queue.waiting).toBe(0);
  });

  it('aborts the engine call when the client of /v1/ask disconnects', async () => {
    const t = await serve({ hold: true }, { concurrency: 1, queueSize: 0 });
    const video = await uploadOk(t, clip);
    const controller = new AbortController();
    const pending = postJson(
      t,
      '/v1/ask',
      { videoId: video.videoId, task: 'where', question: 'Where?' },
      controller.signal,
    );
    await t.engine.until((e) => e.held === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await t.engine.until((e) => e.aborted === 1);
    await eventually(() => t.server.queue.running === 0);
    // The slot is free again: the next ask runs.
    t.engine.release(1);
    const next = await postJson(t, '/v1/ask', { videoId: video.videoId, task: 'free', question: 'Hi?' });
    expect(next.status).toBe(200);
  });

  it('aborts the engine call when the client of /v1/ask/stream disconnects mid-stream', async () => {
    const t = await serve({ stepMs: 40 });
    const video = await uploadOk(t, clip);
    const controller = new AbortController();
    const response = await postJson(
      t,
      '/v1/ask/stream',
      { videoId: video.videoId, task: 'where', question: 'Where?' },
      controller.signal,
    );
    const { lines } = await readNdjson(response, (_line, index) => index === 3);
    controller.abort();
    expect(lines.length).toBe(4);
    await t.engine.until((e) => e.aborted === 1 && e.running === 0);
    await eventually(() => t.server.queue.running === 0);
    expect(t.engine.finished).toBe(1);
  });

  it('leaves the queue when a waiting client disconnects, without ever calling the engine', async () => {
    const t = await serve({ hold: true }, { concurrency: 1, queueSize: 2 });
    const video = await uploadOk(t, clip);
    const body = { videoId: video.videoId, task: 'when', question: 'When?' };
    const first = postJson(t, '/v1/ask', body);
    await t.engine.until((e) => e.held === 1);
    const controller = new AbortController();
    const waiting = await postJson(t, '/v1/ask/stream', body, controller.signal);
    await readNdjson(waiting, () => true);
    expect(t.server.queue.waiting).toBe(1);
    controller.abort();
    await eventually(() => t.server.queue.waiting === 0);
    t.engine.release(1);
    expect((await first).status).toBe(200);
    expect(t.engine.started).toBe(1);
  });

  it('turns an engine failure into 500 engine_failed (a JSON error, or an error line mid-stream)', async () => {
    const t = await serve({ failWith: new RangeError('frame 7 is outside the sampled range') });
    const video = await uploadOk(t, clip);
    const body = { videoId: video.videoId, task: 'when', question: 'When?' };
    const plain = await postJson(t, '/v1/ask', body);
    expect(plain.status).toBe(500);
    const error = await errorOf(plain);
    expect(error.code).toBe('engine_failed');
    expect(error.message).toContain('RangeError: frame 7 is outside the sampled range');
    const { lines } = await readNdjson(await postJson(t, '/v1/ask/stream', body));
    expect(lines.at(-1)).toEqual({ type: 'error', error: { code: 'engine_failed', message: error.message } });
    expect(t.server.queue.running).toBe(0);
  });

  it('refuses a malformed engine result with 500 naming the field', async () => {
    const t = await serve({
      resultOverride: { text: 'ok', span: { startSeconds: 3, endSeconds: 1 }, masks: [] },
    });
    const video = await uploadOk(t, clip);
    const response = await postJson(t, '/v1/ask', {
      videoId: video.videoId,
      task: 'when',
      question: 'When?',
    });
    expect(response.status).toBe(500);
    expect((await errorOf(response)).message).toContain('"span" starts after it ends (3 > 1)');
  });
});

describe('temporary files', () => {
  it('removes the whole temporary area on close, aborting running asks', async () => {
    const t = await startTestServer({ hold: true });
    const video = await uploadOk(t, clip);
    const root = t.server.store.root;
    expect(existsSync(path.join(root, video.videoId, 'video.mp4'))).toBe(true);
    const stream = await postJson(t, '/v1/ask/stream', {
      videoId: video.videoId,
      task: 'when',
      question: 'When?',
    });
    const reading = readNdjson(stream);
    await t.engine.until((e) => e.held === 1);
    await t.server.close();
    expect(t.engine.aborted).toBe(1);
    const { lines } = await reading;
    expect(lines.at(-1)).toEqual({
      type: 'error',
      error: { code: 'server_closing', message: 'The server is shutting down.' },
    });
    expect(existsSync(root)).toBe(false);
    // No other server of this process is open here, so the per-process folder went too.
    expect(existsSync(t.server.store.processDir)).toBe(false);
  });

  it('expires uploads after the TTL, but never while an engine call reads them', async () => {
    let now = 1_000_000;
    const t = await serve({ hold: true }, { uploadTtlSeconds: 60, clock: () => now });
    const kept = await uploadOk(t, clip);
    const idle = await uploadOk(t, clip);
    const keptDir = path.join(t.server.store.root, kept.videoId);
    const idleDir = path.join(t.server.store.root, idle.videoId);
    now += 30_000;
    expect(await t.server.store.sweep()).toBe(0);
    const asking = postJson(t, '/v1/ask', { videoId: kept.videoId, task: 'when', question: 'When?' });
    await t.engine.until((e) => e.held === 1);

    now += 45_000; // idle: 75 s unused; kept: 45 s since the ask began, and in use
    expect(await t.server.store.sweep()).toBe(1);
    expect(existsSync(idleDir)).toBe(false);
    expect((await fetch(t.url(`/v1/videos/${idle.videoId}`))).status).toBe(404);
    now += 600_000;
    expect(await t.server.store.sweep()).toBe(0);
    expect(existsSync(keptDir)).toBe(true);

    t.engine.release(1);
    expect((await asking).status).toBe(200);
    // The TTL counts from the end of the call that used it.
    now += 59_000;
    expect(await t.server.store.sweep()).toBe(0);
    now += 1_000;
    expect(await t.server.store.sweep()).toBe(1);
    expect(existsSync(keptDir)).toBe(false);
    expect(t.server.store.size).toBe(0);
    const gone = await postJson(t, '/v1/ask', { videoId: kept.videoId, task: 'when', question: 'When?' });
    expect(gone.status).toBe(404);
    expect((await errorOf(gone)).message).toContain('deleted 60 s after its last use');
  });

  it('runs its expiry sweep on a timer', async () => {
    const t = await serve({}, { uploadTtlSeconds: 0.2 });
    const video = await uploadOk(t, clip);
    await eventually(() => !existsSync(path.join(t.server.store.root, video.videoId)));
    expect((await fetch(t.url(`/v1/videos/${video.videoId}`))).status).toBe(404);
  });
});
