export { EngineUnavailableError, InvalidServeOptionError } from './option-errors.js';
export { QueueFullError, type ServeErrorCode, ServeRequestError } from './request-errors.js';
export { markerCheck, ServeError, VIDEOLOOM_ERROR_MARKER } from './serve-error.js';
