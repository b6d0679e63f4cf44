/**
 * How a question becomes the user turn for each kind of answer. A checkpoint records these (its
 * `videoloom.prompts` config section): training and inference must phrase tasks identically.
 */
export interface TaskPrompts {
  /** User turn asking for a span as frame ids; `{question}` is the question. */
  readonly temporal: string;
  /** User turn asking for a mask ([SEG]); `{question}` is the question. */
  readonly segment: string;
  /** User turn asking for dense captions of a character; `{who}` is its description. */
  readonly denseCaptions: string;
}

/**
 * The paper's appendix E prompts (Fig. 9/10 forms): the temporal format instruction and "Please segment".
 * Long: about 40 tokens each on a real tokenizer.
 */
export const PAPER_TASK_PROMPTS: TaskPrompts = Object.freeze({
  temporal:
    "{question} The output format of the predicted frame ids should be like: 'The given query happens from start frame id to end frame id'. A specific example is : The given query happens from 48 to 63.",
  segment: '{question} Please segment.',
  denseCaptions:
    "Localize a series of activity events of the {who} in the video, output the start and end frame id for each event, and describe each event with sentences. The output format of each predicted event should be like: 'From start frame id to end frame id, event description'.",
});

/** Short forms of the same instructions for small models trained from scratch (every token costs on a CPU). */
export const COMPACT_TASK_PROMPTS: TaskPrompts = Object.freeze({
  temporal: '{question} Answer with frame ids.',
  segment: '{question} Please segment.',
  denseCaptions: 'Describe the {who} with frame ids.',
});

/** Fills a task prompt's `{question}` / `{who}` slots. */
export function fillTaskPrompt(template: string, values: { question?: string; who?: string }): string {
  return template
    .replaceAll('{question}', values.question ?? '')
    .replaceAll('{who}', values.who ?? '')
    .trim();
}
