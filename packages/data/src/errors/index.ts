export { AnnotationRejectedError } from './annotation-error.js';
export { ChatRequestError } from './chat-error.js';
export { DataConfigError } from './config-error.js';
export { DataError, VIDEOLOOM_ERROR_MARKER } from './data-error.js';
export { FrameInputError } from './frame-input-error.js';
export { StageInputError } from './stage-error.js';
