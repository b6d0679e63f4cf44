import { LlmCoreError, markerCheck } from './llm-core-error.js';

const marker = Symbol.for('videoloom.error.VisualTokenCountError');

/** The number of `<IMG_CONTEXT>` positions differs from the number of visual tokens supplied. */
export class VisualTokenCountError extends LlmCoreError {
  readonly [marker] = true;
  readonly name = 'VL_VisualTokenCountError' as const;
  static readonly isInstance = markerCheck<VisualTokenCountError>(marker);

  constructor(
    readonly tensorName: string,
    readonly expected: number,
    readonly received: number,
  ) {
    super(
      `Visual token substitution: the sequence has ${expected} <IMG_CONTEXT> position(s) but ${tensorName} holds ${received} visual token(s). Build the prompt and the visual tokens from the same SlowFast layout (same frame count and tokens per frame).`,
    );
  }
}
