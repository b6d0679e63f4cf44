import { markerCheck, TokenizerError } from './tokenizer-error.js';

const marker = Symbol.for('videoloom.error.ChatTemplateError');

/** A conversation that the chat template cannot render (unknown template, empty or misordered turns). */
export class ChatTemplateError extends TokenizerError {
  readonly [marker] = true;
  readonly name = 'VL_ChatTemplateError' as const;
  static readonly isInstance = markerCheck<ChatTemplateError>(marker);

  constructor(
    /** The template name in use. */
    readonly template: string,
    readonly problem: string,
    /** Index of the offending message, when one is at fault. */
    readonly messageIndex?: number,
  ) {
    const where = messageIndex === undefined ? '' : ` (messages[${messageIndex}])`;
    super(
      `Chat template "${template}" cannot render the conversation${where}: ${problem}. Conversations are ` +
        'optional system text, then alternating user / assistant turns starting with user.',
    );
  }
}
