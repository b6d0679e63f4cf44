import { ChatTemplateError } from '../errors/chat-template-error.js';
import type { TextTokenizer } from '../tokenizer.js';

/**
 * The chat templates VideoLoom checkpoints can be prompted with.
 * - `qwen_chat` (default): XTuner's Qwen template as Sa2VA (VideoLoom's closest public relative) trains
 *   with it: no system line unless a system text is given.
 * - `internvl2_5`: InternVL3's native template (`chat()`), with InternVL's system text by default; for
 *   stock InternVL3 checkpoints.
 * Both write turns as `<|im_start|>user\n{U}<|im_end|>\n<|im_start|>assistant\n{A}<|im_end|>\n`.
 */
export type ChatTemplateName = 'qwen_chat' | 'internvl2_5';

/** InternVL3's default system message (template `internvl2_5`). */
export const INTERNVL_SYSTEM_TEXT =
  '你是书生·万象，英文名是InternVL，是由上海人工智能实验室、清华大学及多家合作单位联合开发的多模态大语言模型。';

export interface ChatTemplateConfig {
  /** @defaultValue 'qwen_chat' */
  readonly name?: ChatTemplateName;
  /**
   * System text. `qwen_chat` writes no system line when it is empty; `internvl2_5` always writes one.
   * @defaultValue '' for qwen_chat, {@link INTERNVL_SYSTEM_TEXT} for internvl2_5
   */
  readonly systemText?: string;
}

export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** A character span `[start, end)` of the rendered text. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export interface RenderedChat {
  readonly text: string;
  /** Spans that carry the training loss: each answer's text and its `<|im_end|>`. */
  readonly answerSpans: readonly TextSpan[];
  /** True when the text ends with `<|im_start|>assistant\n` (the model writes next). */
  readonly endsWithGenerationPrompt: boolean;
}

const TURN_START = '<|im_start|>';
const TURN_END = '<|im_end|>';

/** Resolves the defaults of a template config. */
export function resolveChatTemplate(config: ChatTemplateConfig = {}): Required<ChatTemplateConfig> {
  const name = config.name ?? 'qwen_chat';
  if (name !== 'qwen_chat' && name !== 'internvl2_5') {
    throw new ChatTemplateError(String(name), 'unknown template; expected "qwen_chat" or "internvl2_5"');
  }
  return { name, systemText: config.systemText ?? (name === 'internvl2_5' ? INTERNVL_SYSTEM_TEXT : '') };
}

/** The text before the first user turn (the system line, or nothing). */
export function systemPrefix(config: ChatTemplateConfig = {}): string {
  const { name, systemText } = resolveChatTemplate(config);
  if (name === 'qwen_chat' && systemText === '') return '';
  return `${TURN_START}system\n${systemText}${TURN_END}\n`;
}

/** `<|im_start|>user\n` ... the text that opens a user turn. */
export const USER_TURN_OPEN = `${TURN_START}user\n`;
/** Closes a user turn and opens the assistant's: `<|im_end|>\n<|im_start|>assistant\n`. */
export const ASSISTANT_TURN_OPEN = `${TURN_END}\n${TURN_START}assistant\n`;
/** Ends an answer: `<|im_end|>` (carries loss) then `\n` (does not). */
export const ANSWER_END = TURN_END;

/**
 * Renders a conversation. Messages alternate user / assistant, starting with user. When the last message
 * is the user's, the assistant prompt is appended so the model answers next.
 */
export function renderChat(messages: readonly ChatMessage[], config: ChatTemplateConfig = {}): RenderedChat {
  const template = resolveChatTemplate(config);
  if (messages.length === 0) throw new ChatTemplateError(template.name, 'there are no messages');
  let text = systemPrefix(template);
  const answerSpans: TextSpan[] = [];
  messages.forEach((message, i) => {
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== expected) {
      throw new ChatTemplateError(template.name, `role is "${message.role}"; expected "${expected}"`, i);
    }
    if (message.role === 'user') {
      text += `${USER_TURN_OPEN}${message.content}${ASSISTANT_TURN_OPEN}`;
    } else {
      const start = text.length;
      text += `${message.content}${ANSWER_END}`;
      answerSpans.push({ start, end: text.length });
      text += '\n';
    }
  });
  return { text, answerSpans, endsWithGenerationPrompt: messages.length % 2 === 1 };
}

export interface EncodedChat {
  readonly text: string;
  /** Token ids of the rendered conversation. */
  readonly ids: number[];
  /** Per id: 1 when it carries the training loss (answer tokens and their `<|im_end|>`), else 0. */
  readonly lossMask: Uint8Array;
}

/** Renders and tokenizes a conversation; the loss mask comes from the token offsets. */
export function encodeChat(
  tokenizer: TextTokenizer,
  messages: readonly ChatMessage[],
  config: ChatTemplateConfig = {},
): EncodedChat {
  const rendered = renderChat(messages, config);
  const encoding = tokenizer.encode(rendered.text);
  const lossMask = new Uint8Array(encoding.ids.length);
  encoding.offsets.forEach((offset, k) => {
    if (rendered.answerSpans.some((s) => offset.start >= s.start && offset.end <= s.end)) lossMask[k] = 1;
  });
  return { text: rendered.text, ids: encoding.ids, lossMask };
}
