/**
 * A local HTTP server on 127.0.0.1 that speaks OpenAI's chat-completions protocol, for tests: each
 * request is answered by a handler that sees the parsed request body (a scripted stand-in for the
 * remote multimodal model, which cannot run here).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequestBody {
  model: string;
  messages: {
    role: string;
    content: string | { type: string; text?: string; image_url?: { url: string } }[];
  }[];
  temperature?: number;
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** Assistant message content for a 200 reply. */
  content?: string;
  /** Raw body for an error reply. */
  body?: string;
  delayMs?: number;
}

export interface ChatServer {
  readonly baseUrl: string;
  readonly requests: { body: ChatRequestBody; authorization: string | undefined; at: number }[];
  close(): Promise<void>;
}

/** Text of the first user message (its text parts joined). */
export function promptText(body: ChatRequestBody): string {
  const c = body.messages[0]?.content;
  if (typeof c === 'string') return c;
  return (c ?? []).map((p) => p.text ?? '').join('\n');
}

/** Number of images in the first user message. */
export function imageCount(body: ChatRequestBody): number {
  const c = body.messages[0]?.content;
  return typeof c === 'string' ? 0 : (c ?? []).filter((p) => p.type === 'image_url').length;
}

export async function startChatServer(
  handler: (body: ChatRequestBody, index: number) => ScriptedReply | Promise<ScriptedReply>,
): Promise<ChatServer> {
  const requests: ChatServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      let body: ChatRequestBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end('{"error":{"message":"bad JSON"}}');
        return;
      }
      const index = requests.length;
      requests.push({ body, authorization: req.headers.authorization, at: Date.now() });
      const reply = await handler(body, index);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      const status = reply.status ?? 200;
      if (status !== 200) {
        res
          .writeHead(status, { 'content-type': 'application/json', ...reply.headers })
          .end(reply.body ?? '{"error":{"message":"scripted"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', ...reply.headers }).end(
        JSON.stringify({
          id: `chatcmpl-${index}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [
            { index: 0, message: { role: 'assistant', content: reply.content ?? '' }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
