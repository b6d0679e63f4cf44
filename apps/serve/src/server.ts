import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { FfmpegVideoSource } from '@videoloom/video-io';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { AnswerEvent, AnswerResult, VideoQaEngine } from './engine.js';
import { ServeRequestError } from './errors/index.js';
import { answerResultProblem } from './http/answer-check.js';
import { type AskBody, parseAskBody } from './http/ask-body.js';
import { type ResolvedServeOptions, resolveServeOptions, type ServeOptions } from './options.js';
import { RequestQueue } from './queue/request-queue.js';
import { receiveUpload } from './videos/upload.js';
import { type StoredVideo, VideoStore } from './videos/video-store.js';
import { defaultWebRoot } from './web-root.js';

/** Where the engine's `ready()` stands. */
export type EngineStatus =
  | { readonly state: 'loading' }
  | { readonly state: 'ready' }
  | { readonly state: 'failed'; readonly message: string };

/** One line of `POST /v1/ask/stream` (NDJSON): the engine's events framed by `accepted` and `result`/`error`. */
export type AskStreamLine =
  | { readonly type: 'accepted'; readonly queuePosition: number }
  | AnswerEvent
  | ({ readonly type: 'result' } & AnswerResult)
  | { readonly type: 'error'; readonly error: { code: string; message: string } };

/** A configured server that is not listening yet (`app.listen`) or is (`startServer`). */
export interface ServeApp {
  readonly app: FastifyInstance;
  readonly options: ResolvedServeOptions;
  readonly store: VideoStore;
  readonly queue: RequestQueue;
  engineStatus(): EngineStatus;
}

/** A listening server. */
export interface RunningServer extends ServeApp {
  /** e.g. `http://127.0.0.1:8080/` */
  readonly url: string;
  readonly port: number;
  /** Stops listening, aborts running engine calls and removes the temporary area. */
  close(): Promise<void>;
}

const API_SUMMARY =
  'GET /healthz, GET /readyz, POST /v1/videos, GET|DELETE /v1/videos/:id, POST /v1/ask, POST /v1/ask/stream, GET /';

/** Status codes fastify and its plugins use, mapped to our error codes. */
const FASTIFY_CODES: Record<string, { code: ServeRequestError['code']; field?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_body' },
  FST_REQ_FILE_TOO_LARGE: { code: 'file_too_large', field: 'file' },
  FST_PARTS_LIMIT: { code: 'invalid_multipart' },
  FST_FILES_LIMIT: { code: 'invalid_multipart' },
  FST_FIELDS_LIMIT: { code: 'invalid_multipart' },
  FST_PROTO_VIOLATION: { code: 'invalid_multipart' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'unsupported_media_type' },
  FST_MP_PREMATURE_CLOSE: { code: 'invalid_multipart' },
};

/** Any error as the typed error the client receives. */
function toRequestError(error: unknown): ServeRequestError {
  if (ServeRequestError.isInstance(error)) return error;
  const e = error as Partial<FastifyError> & { status?: number };
  const status = e.statusCode ?? e.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const known = e.code ? FASTIFY_CODES[e.code] : undefined;
    if (status === 416)
      return new ServeRequestError(
        416,
        'range_not_satisfiable',
        'The Range header asks for bytes outside the file.',
      );
    const code = known?.code ?? (status === 404 ? 'not_found' : 'invalid_body');
    const message =
      e instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? `The body is not valid JSON (${e.message}).`
        : (e.message ?? 'Bad request.');
    return new ServeRequestError(status, code, message, known?.field, { cause: error });
  }
  const name = (error as Error)?.name ?? 'Error';
  return new ServeRequestError(
    500,
    'internal_error',
    `${name}: ${(error as Error)?.message ?? String(error)}`,
    undefined,
    {
      cause: error,
    },
  );
}

function sendError(reply: FastifyReply, error: ServeRequestError, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.toJSON());
}

/**
 * An abort controller for one ask that fires when the client goes away before the response is
 * complete, and a promise that settles when the response is over (sent or cut).
 */
function watchClient(reply: FastifyReply): { controller: AbortController; over: Promise<void> } {
  const controller = new AbortController();
  const over = new Promise<void>((resolve) => {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        controller.abort(new ServeRequestError(499, 'internal_error', 'the client closed the connection'));
      }
      resolve();
    });
  });
  return { controller, over };
}

/**
 * Builds the server (routes, limits, queue, temporary video store) without listening. The engine's
 * `ready()` is called here once; asks are refused with 503 until it resolves.
 */
export async function createServeApp(serveOptions: ServeOptions): Promise<ServeApp> {
  const options = resolveServeOptions(serveOptions);
  const engine: VideoQaEngine = options.engine;
  const source = options.videoSource ?? new FfmpegVideoSource();
  const store = await VideoStore.create({
    tempRoot: options.tempRoot,
    ttlSeconds: options.uploadTtlSeconds,
    now: options.clock,
  });
  const queue = new RequestQueue({ concurrency: options.concurrency, queueSize: options.queueSize });
  /** Running asks: their abort controller and a promise that settles when their response is over. */
  const inFlight = new Map<AbortController, Promise<void>>();
  let closing = false;

  let status: EngineStatus = { state: 'loading' };
  Promise.resolve()
    .then(() => engine.ready())
    .then(
      () => {
        status = { state: 'ready' };
      },
      (error: unknown) => {
        status = { state: 'failed', message: (error as Error)?.message ?? String(error) };
      },
    );

  const app = Fastify({
    logger: options.logRequests ? { level: 'info' } : false,
    // Ask bodies are small; uploads are multipart streams with their own limit.
    bodyLimit: 64 * 1024,
    // After preClose has ended every ask, close() destroys whatever connections remain (idle
    // keep-alive ones, and ones a client opened but never used).
    forceCloseConnections: true,
  });

  app.setErrorHandler((error, request, reply) => {
    const typed = toRequestError(error);
    if (typed.status >= 500) request.log.error({ err: error }, 'request failed');
    // A refused upload may leave most of its body unread: close the connection after answering
    // instead of reading (or waiting for) the rest.
    if (!request.raw.complete) reply.header('connection', 'close');
    return sendError(reply, typed, retryAfterOf(typed));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ServeRequestError(
        404,
        'not_found',
        `No route for ${request.method} ${request.url}. The API is ${API_SUMMARY}.`,
      ),
    ),
  );
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
  app.addHook('preClose', async () => {
    closing = true;
    for (const controller of inFlight.keys())
      controller.abort(new ServeRequestError(503, 'server_closing', 'The server is shutting down.'));
    // Let the aborted asks send their last line or error before the connections go.
    const settled = Promise.allSettled(inFlight.values());
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  });
  app.addHook('onClose', async () => {
    await store.close();
  });

  function retryAfterOf(error: ServeRequestError): number | undefined {
    if ('retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number')
      return error.retryAfterSeconds;
    if (error.code === 'engine_not_ready' || error.code === 'server_closing') return 5;
    return undefined;
  }

  await app.register(fastifyMultipart);
  const webRoot = options.webRoot ?? defaultWebRoot();
  const pageBuilt = webRoot !== undefined && existsSync(path.join(webRoot, 'index.html'));
  // Without a built page the plugin still provides reply.sendFile for the uploads.
  await app.register(fastifyStatic, {
    root: pageBuilt ? webRoot : store.root,
    serve: pageBuilt,
    prefix: '/',
    index: ['index.html'],
    wildcard: false,
    cacheControl: false,
  });
  if (!pageBuilt) {
    app.get('/', async () => {
      throw new ServeRequestError(
        404,
        'not_found',
        `The web page is not built (no index.html in ${webRoot ?? 'dist/web'}); run \`nx run serve:build\`. The API works without it: ${API_SUMMARY}.`,
      );
    });
  }

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (status.state === 'ready') return { ready: true, status: 'ready' };
    const error =
      status.state === 'loading'
        ? new ServeRequestError(503, 'engine_not_ready', 'The engine is still loading its weights.')
        : new ServeRequestError(503, 'engine_failed', `The engine failed to load: ${status.message}`);
    reply.code(503);
    if (status.state === 'loading') reply.header('retry-after', '5');
    return { ready: false, status: status.state, ...error.toJSON() };
  });

  app.post('/v1/videos', async (request, reply) => {
    const video = await receiveUpload(request, store, source, options);
    reply.code(201).header('location', `/v1/videos/${video.id}`);
    return { videoId: video.id, ...video.metadata };
  });

  function lookup(id: string, field: string): StoredVideo {
    const video = store.get(id);
    if (!video) {
      throw new ServeRequestError(
        404,
        'video_not_found',
        `No video with id ${JSON.stringify(id.slice(0, 64))}: ids come from POST /v1/videos, and an upload ` +
          `is deleted ${options.uploadTtlSeconds} s after its last use.`,
        field,
      );
    }
    return video;
  }

  app.get<{ Params: { id: string } }>('/v1/videos/:id', async (request, reply) => {
    const video = lookup(request.params.id, 'id');
    reply.header('cache-control', 'private, no-cache');
    return reply.sendFile(path.basename(video.path), video.dir, { cacheControl: false });
  });

  app.delete<{ Params: { id: string } }>('/v1/videos/:id', async (request, reply) => {
    lookup(request.params.id, 'id');
    store.delete(request.params.id);
    return reply.code(204).send();
  });

  /** Checks everything that can be refused before a response starts: body, readiness, video, queue room. */
  function admit(body: unknown): {
    ask: AskBody;
    video: StoredVideo;
    ticket: ReturnType<RequestQueue['reserve']>;
  } {
    const ask = parseAskBody(body, options.maxQuestionChars);
    if (closing) throw new ServeRequestError(503, 'server_closing', 'The server is shutting down.');
    if (status.state === 'loading')
      throw new ServeRequestError(
        503,
        'engine_not_ready',
        'The engine is still loading its weights; retry shortly.',
      );
    if (status.state === 'failed')
      throw new ServeRequestError(503, 'engine_failed', `The engine failed to load: ${status.message}`);
    const video = lookup(ask.videoId, 'videoId');
    const ticket = queue.reserve();
    return { ask, video, ticket };
  }

  /** Waits for the ticket's slot, runs the engine on the pinned video, checks the result. */
  async function runAsk(
    admitted: ReturnType<typeof admit>,
    signal: AbortSignal,
    onEvent?: (event: AnswerEvent) => void,
  ): Promise<AnswerResult> {
    const { ask, video, ticket } = admitted;
    const unpin = store.pin(video.id);
    try {
      await ticket.wait(signal);
      const request = { videoPath: video.path, question: ask.question, task: ask.task };
      let result: AnswerResult;
      try {
        result = await engine.answer(request, onEvent ? { signal, onEvent } : { signal });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw new ServeRequestError(
          500,
          'engine_failed',
          `The engine could not answer: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`,
          undefined,
          { cause: error },
        );
      }
      const problem = answerResultProblem(result);
      if (problem)
        throw new ServeRequestError(
          500,
          'engine_failed',
          `The engine returned a malformed answer: ${problem}.`,
        );
      return result;
    } finally {
      ticket.release();
      unpin();
    }
  }

  app.post('/v1/ask', async (request, reply) => {
    const admitted = admit(request.body);
    const { controller, over } = watchClient(reply);
    inFlight.set(controller, over);
    void over.then(() => inFlight.delete(controller));
    return runAsk(admitted, controller.signal);
  });

  app.post('/v1/ask/stream', async (request, reply) => {
    const admitted = admit(request.body);
    const { controller, over } = watchClient(reply);
    inFlight.set(controller, over);
    void over.then(() => inFlight.delete(controller));
    const out = new PassThrough();
    const write = (line: AskStreamLine) => {
      if (!out.destroyed && !out.writableEnded) out.write(`${JSON.stringify(line)}\n`);
    };
    write({ type: 'accepted', queuePosition: admitted.ticket.position });
    void runAsk(admitted, controller.signal, write)
      .then(
        (result) => write({ type: 'result', ...result }),
        (error: unknown) => {
          if (controller.signal.aborted && error === controller.signal.reason && !closing) return;
          const typed = toRequestError(error);
          if (typed.status >= 500 && typed.code !== 'server_closing')
            request.log.error({ err: error }, 'ask failed');
          write({ type: 'error', error: { code: typed.code, message: typed.message } });
        },
      )
      .finally(() => out.end());
    reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no');
    return reply.send(out);
  });

  return { app, options, store, queue, engineStatus: () => status };
}

/** Builds the server and listens on `host:port` (port 0: a free one). */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const serve = await createServeApp(options);
  try {
    await serve.app.listen({ host: serve.options.host, port: serve.options.port });
  } catch (error) {
    await serve.app.close();
    throw error;
  }
  const address = serve.app.server.address();
  const port = typeof address === 'object' && address ? address.port : serve.options.port;
  const host = serve.options.host.includes(':') ? `[${serve.options.host}]` : serve.options.host;
  return {
    ...serve,
    url: `http://${host}:${port}/`,
    port,
    close: () => serve.app.close(),
  };
}
