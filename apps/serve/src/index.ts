// Public API of @videoloom/serve (the CLI lives in src/bin/).
export { parseServeArgs, SERVE_USAGE, type ServeCliOptions } from './cli/parse-args.js';
export { runServeCli, type ServeCliIo } from './cli/run-serve-cli.js';
export {
  type AnswerEvent,
  type AnswerResult,
  ASK_TASKS,
  type AskRequest,
  type AskTask,
  type VideoQaEngine,
} from './engine.js';
export { type EngineLoader, type EngineLoadOptions, loadDefaultEngine } from './engine-loader.js';
export {
  EngineUnavailableError,
  InvalidServeOptionError,
  QueueFullError,
  ServeError,
  type ServeErrorCode,
  ServeRequestError,
  VIDEOLOOM_ERROR_MARKER,
} from './errors/index.js';
export { type AskBody, parseAskBody } from './http/ask-body.js';
export {
  type ResolvedServeOptions,
  resolveServeOptions,
  SERVE_DEFAULTS,
  type ServeOptions,
} from './options.js';
export { type QueueTicket, RequestQueue, type RequestQueueOptions } from './queue/request-queue.js';
export {
  type AskStreamLine,
  createServeApp,
  type EngineStatus,
  type RunningServer,
  type ServeApp,
  startServer,
} from './server.js';
export { UPLOAD_FIELD } from './videos/upload.js';
export {
  type StoredVideo,
  type VideoMetadata,
  VideoStore,
  type VideoStoreOptions,
} from './videos/video-store.js';
