import { afterEach, describe, expect, it } from 'vitest';
import { type ChatServer, imageCount, promptText, startChatServer } from '../../test/helpers/chat-server.js';
import { annotateShot } from './annotate.js';
import { ChatClient, retryAfterMs } from './chat-client.js';
import { actionAnnotationPrompt, loomBenchQuestionPrompt, parseLoomBenchQuestions } from './prompts.js';
import { readAnnotationAnswer, validateSegments } from './segments.js';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const fast = { initialBackoffMs: 5, maxBackoffMs: 20 };

describe('segment parsing and validation', () => {
  it('reads "from A to B: description" lines through slowfast, ignoring other text and markdown', () => {
    const text = 'Here you go:\n\n**from 0 to 12:** The man waves.\n- from 13 to 30: He sits down.\n';
    expect(readAnnotationAnswer(text).segments).toEqual([
      { startFrameId: 0, endFrameId: 12, description: 'The man waves.' },
      { startFrameId: 13, endFrameId: 30, description: 'He sits down.' },
    ]);
  });

  it('accepts full coverage with ranges of at least 13 frames', () => {
    const ok = readAnnotationAnswer('from 0 to 12: a.\nfrom 13 to 39: b.').segments;
    expect(validateSegments(ok, { frameCount: 40 })).toEqual([]);
  });

  it('names each broken rule: gap, overlap, short range, out of range, uncovered tail', () => {
    const v = (t: string, n: number) => validateSegments(readAnnotationAnswer(t).segments, { frameCount: n });
    expect(v('from 0 to 12: a\nfrom 14 to 39: b', 40)).toEqual([
      'range 2 (from 14 to 39) leaves frames 13..13 unassigned',
    ]);
    expect(v('from 0 to 20: a\nfrom 15 to 39: b', 40)).toEqual([
      'range 2 (from 15 to 39) overlaps the previous range, which ends at 20',
    ]);
    expect(v('from 0 to 5: a\nfrom 6 to 39: b', 40)).toEqual([
      'range 1 (from 0 to 5) has 6 frames; each range needs at least 13',
    ]);
    expect(v('from 0 to 45: a', 40)).toEqual(['range 1 (from 0 to 45) goes past the last frame id 39']);
    expect(v('from 0 to 30: a', 40)).toEqual(['frames 31..39 are not covered by any range']);
    expect(v('nothing useful', 40)).toEqual(['no "from A to B: description" line was found']);
    expect(readAnnotationAnswer('nothing useful').problems).toEqual([
      'no "from A to B: description" line was found',
    ]);
    // slowfast reads a reversed range swapped; the pipeline treats it as a problem to send back.
    expect(readAnnotationAnswer('from 39 to 0: a').problems).toHaveLength(1);
    // A shot with fewer sampled frames than 13 needs one range over all of them.
    expect(v('from 0 to 7: a', 8)).toEqual([]);
  });
});

describe('prompts', () => {
  it('states the last frame id and the minimum range length in the annotation prompt', () => {
    const p = actionAnnotationPrompt(58);
    expect(p).toContain('The last frame ID of this shot is 57.');
    expect(p).toContain('at least 13 frames');
    expect(p).toContain('from <first frame ID> to <last frame ID>: <description>');
  });

  it('parses the three LoomBench questions and rejects timestamps where the prompt forbids them', () => {
    expect(loomBenchQuestionPrompt('1.00s - 4.50s: A man waves.')).toContain('1.00s - 4.50s: A man waves.');
    const good = parseLoomBenchQuestions(
      'Combined question: Where is the man in blue when he waves?\nWhere question: Where is the man in blue during 1.00s to 4.50s?\nWhen question: When does the man in blue wave?',
    );
    expect(good.problems).toEqual([]);
    expect(good.questions!.when).toBe('When does the man in blue wave?');
    const bad = parseLoomBenchQuestions(
      'Combined question: Where is he at 3.5s?\nWhen question: When at 2s?',
    );
    expect(bad.questions).toBeUndefined();
    expect(bad.problems).toEqual([
      'no "Where question:" line',
      'the combined question contains a timestamp',
      'the when question contains a timestamp',
    ]);
  });
});

describe('ChatClient against a local chat-completions server', () => {
  it('sends the model, messages and bearer key, and returns the first choice', async () => {
    server = await startChatServer(() => ({ content: 'hello' }));
    const client = new ChatClient({ baseUrl: server.baseUrl, model: 'm-1', apiKey: 'sk-test' });
    const out = await client.complete([{ role: 'user', content: 'hi' }]);
    expect(out).toMatchObject({ text: 'hello', model: 'm-1', attempts: 1 });
    expect(server.requests[0]!.authorization).toBe('Bearer sk-test');
    expect(server.requests[0]!.body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('retries 503 and 429 (honouring Retry-After) and then succeeds', async () => {
    server = await startChatServer((_, i) =>
      i === 0
        ? { status: 503 }
        : i === 1
          ? { status: 429, headers: { 'retry-after': '0.05' } }
          : { content: 'ok' },
    );
    const client = new ChatClient({ baseUrl: server.baseUrl, model: 'm', ...fast });
    const out = await client.complete([{ role: 'user', content: 'x' }]);
    expect(out.attempts).toBe(3);
    expect(server.requests[2]!.at - server.requests[1]!.at).toBeGreaterThanOrEqual(45);
    expect(retryAfterMs('2')).toBe(2000);
  });

  it('does not retry a 400 and reports the status in a typed error', async () => {
    server = await startChatServer(() => ({ status: 400, body: '{"error":{"message":"bad model"}}' }));
    const client = new ChatClient({ baseUrl: server.baseUrl, model: 'm', ...fast });
    await expect(client.complete([{ role: 'user', content: 'x' }])).rejects.toMatchObject({
      name: 'VL_ChatRequestError',
      status: 400,
      attempts: 1,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a request that hangs, retries, and gives up after maxRetries with a typed error', async () => {
    server = await startChatServer(() => ({ content: 'late', delayMs: 400 }));
    const client = new ChatClient({
      baseUrl: server.baseUrl,
      model: 'm',
      timeoutMs: 60,
      maxRetries: 1,
      ...fast,
    });
    await expect(client.complete([{ role: 'user', content: 'x' }])).rejects.toMatchObject({
      name: 'VL_ChatRequestError',
      attempts: 2,
      reason: 'no answer within timeoutMs 60',
    });
  });

  it('spaces requests by the rate limit, also when they are made concurrently', async () => {
    server = await startChatServer(() => ({ content: 'ok' }));
    const sent: number[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      sent.push(performance.now());
      return fetch(input, init);
    };
    const client = new ChatClient({
      baseUrl: server.baseUrl,
      model: 'm',
      requestsPerMinute: 600,
      fetch: recordingFetch,
    });
    await Promise.all([0, 1, 2].map(() => client.complete([{ role: 'user', content: 'x' }])));
    const times = sent.sort((a, b) => a - b);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(190);
  });

  it('rejects a malformed base URL with a typed config error', () => {
    expect(() => new ChatClient({ baseUrl: 'localhost:8000', model: 'm' })).toThrow(/chat.baseUrl/);
  });
});

describe('annotateShot', () => {
  const images = Array.from({ length: 30 }, () => ({
    mimeType: 'image/png' as const,
    bytes: Uint8Array.of(1, 2, 3),
  }));

  it('sends the prompt with every frame image, retries an invalid answer with its problems, keeps the valid one', async () => {
    server = await startChatServer((body, i) => {
      expect(imageCount(body)).toBe(30);
      expect(promptText(body)).toContain('The last frame ID of this shot is 29.');
      return i === 0
        ? { content: 'from 0 to 10: The man waves.\nfrom 11 to 29: He sits.' }
        : { content: 'from 0 to 14: The man waves.\nfrom 15 to 29: He sits.' };
    });
    const client = new ChatClient({ baseUrl: server.baseUrl, model: 'm', ...fast });
    const out = await annotateShot(client, { videoId: 'v', shotIndex: 0, images });
    expect(out.attempts).toBe(2);
    expect(out.segments.map((s) => [s.startFrameId, s.endFrameId])).toEqual([
      [0, 14],
      [15, 29],
    ]);
    const retry = server.requests[1]!.body.messages;
    expect(retry).toHaveLength(3);
    expect(retry[2]!.content).toContain('range 1 (from 0 to 10) has 11 frames; each range needs at least 13');
  });

  it('reports a shot whose answers stay invalid, never keeping them', async () => {
    server = await startChatServer(() => ({ content: 'from 0 to 20: The man waves.' }));
    const client = new ChatClient({ baseUrl: server.baseUrl, model: 'm', ...fast });
    await expect(
      annotateShot(client, { videoId: 'v', shotIndex: 2, images }, { maxAttempts: 2 }),
    ).rejects.toMatchObject({
      name: 'VL_AnnotationRejectedError',
      shotIndex: 2,
      attempts: 2,
      problems: ['frames 21..29 are not covered by any range'],
    });
    expect(server.requests).toHaveLength(2);
  });
});
