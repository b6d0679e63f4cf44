// Test support: start a server on an ephemeral port with the deterministic test engine, and small
// fetch functions for uploads, asks and NDJSON streams.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServeOptions } from '../../src/options.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { DeterministicTestEngine, type DeterministicTestEngineOptions } from './deterministic-test-engine.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly engine: DeterministicTestEngine;
  readonly url: (route: string) => string;
}

export async function startTestServer(
  engineOptions: DeterministicTestEngineOptions = {},
  serveOptions: Partial<Omit<ServeOptions, 'engine'>> = {},
): Promise<TestServer> {
  const engine = new DeterministicTestEngine(engineOptions);
  const server = await startServer({ engine, port: 0, host: '127.0.0.1', ...serveOptions });
  return { server, engine, url: (route) => new URL(route.replace(/^\//, ''), server.url).toString() };
}

export async function uploadBytes(
  t: TestServer,
  bytes: Uint8Array,
  name: string,
  options: { field?: string; extraFile?: string; type?: string } = {},
): Promise<Response> {
  const form = new FormData();
  form.append('note', 'a text field is ignored');
  form.append(
    options.field ?? 'file',
    new Blob([new Uint8Array(bytes)], { type: options.type ?? 'video/mp4' }),
    name,
  );
  if (options.extraFile) form.append(options.extraFile, new Blob([new Uint8Array(bytes)]), 'second.mp4');
  return fetch(t.url('/v1/videos'), { method: 'POST', body: form });
}

export async function uploadFile(t: TestServer, file: string): Promise<Response> {
  return uploadBytes(t, readFileSync(file), path.basename(file));
}

export interface UploadedVideo {
  readonly videoId: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  readonly durationSeconds: number;
}

export async function uploadOk(t: TestServer, file: string): Promise<UploadedVideo> {
  const response = await uploadFile(t, file);
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as UploadedVideo;
}

export function postJson(
  t: TestServer,
  route: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(t.url(route), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** Reads an NDJSON response line by line; `onLine` may return true to stop reading (and cancel). */
export async function readNdjson(
  response: Response,
  onLine?: (line: Record<string, unknown>, index: number) => boolean | undefined,
): Promise<{ lines: Record<string, unknown>[]; raw: string }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let raw = '';
  let rest = '';
  const lines: Record<string, unknown>[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    raw += text;
    rest += text;
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) {
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      if (onLine?.(line, lines.length - 1)) {
        await reader.cancel();
        return { lines, raw };
      }
    }
  }
  if (rest.length > 0) throw new Error(`stream ended inside a line: ${JSON.stringify(rest)}`);
  return { lines, raw };
}

/** Polls `check` until it returns true (or fails after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms: ${check}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
