// Public API of @videoloom/tokenizer.
export { internVL3TokenizerDir, tinyTokenizerDir } from './assets.js';
export {
  ANSWER_END,
  ASSISTANT_TURN_OPEN,
  type ChatMessage,
  type ChatTemplateConfig,
  type ChatTemplateName,
  type EncodedChat,
  encodeChat,
  INTERNVL_SYSTEM_TEXT,
  type RenderedChat,
  renderChat,
  resolveChatTemplate,
  systemPrefix,
  type TextSpan,
  USER_TURN_OPEN,
} from './chat/chat-template.js';
export type { EngineChoice, SpecialTokenMode } from './engine/engine.js';
export { probeNativeEngine } from './engine/native-engine.js';
export {
  ChatTemplateError,
  EngineUnavailableError,
  InputTooLongError,
  isVideoLoomError,
  TokenIdRangeError,
  TokenizerError,
  TokenizerLoadError,
  UnknownTokenError,
  VIDEOLOOM_ERROR_MARKER,
} from './errors/index.js';
export { IncrementalDecoder } from './incremental-decoder.js';
export { loadInternVL3Tokenizer, loadTinyTokenizer, loadTokenizer, tokenizerFromJson } from './load.js';
export type { TokenOffset } from './offsets.js';
export { type AddedTokenInfo, VIDEOLOOM_TOKENS, type VideoLoomTokenIds } from './special-tokens.js';
export {
  DEFAULT_MAX_INPUT_CHARS,
  type DecodeOptions,
  type EncodeOptions,
  type Encoding,
  TextTokenizer,
  type TokenizerOptions,
} from './tokenizer.js';
