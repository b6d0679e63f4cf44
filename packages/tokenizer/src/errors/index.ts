export { ChatTemplateError } from './chat-template-error.js';
export { EngineUnavailableError } from './engine-unavailable-error.js';
export { InputTooLongError } from './input-too-long-error.js';
export { TokenIdRangeError } from './token-id-range-error.js';
export { isVideoLoomError, TokenizerError, VIDEOLOOM_ERROR_MARKER } from './tokenizer-error.js';
export { TokenizerLoadError } from './tokenizer-load-error.js';
export { UnknownTokenError } from './unknown-token-error.js';
