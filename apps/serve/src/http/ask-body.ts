import { ASK_TASKS, type AskTask } from '../engine.js';
import { ServeRequestError } from '../errors/index.js';

/** A validated body of `POST /v1/ask` and `POST /v1/ask/stream`. */
export interface AskBody {
  readonly videoId: string;
  readonly task: AskTask;
  /** Trimmed, 1..maxQuestionChars characters. */
  readonly question: string;
}

const FIELDS = ['videoId', 'task', 'question'] as const;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `a ${typeof value}`;
}

/**
 * Checks an ask body and returns it normalised; throws a 400 `ServeRequestError` naming the first
 * field that is missing, of the wrong type, out of range, or unknown.
 */
export function parseAskBody(body: unknown, maxQuestionChars: number): AskBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ServeRequestError(
      400,
      'invalid_body',
      `The body must be a JSON object {"videoId", "task", "question"} sent with Content-Type application/json; received ${body === undefined ? 'no JSON body' : describe(body)}.`,
    );
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new ServeRequestError(
        400,
        'unknown_field',
        `Unknown field "${key}" in the body; the fields are ${FIELDS.join(', ')}.`,
        key,
      );
    }
  }
  const { videoId, task, question } = record;
  if (typeof videoId !== 'string' || videoId.length === 0) {
    throw new ServeRequestError(
      400,
      'invalid_field',
      `"videoId" must be the id POST /v1/videos returned (a non-empty string); received ${describe(videoId)}.`,
      'videoId',
    );
  }
  if (typeof task !== 'string' || !(ASK_TASKS as readonly string[]).includes(task)) {
    throw new ServeRequestError(
      400,
      'invalid_field',
      `"task" must be one of ${ASK_TASKS.map((t) => JSON.stringify(t)).join(', ')}; received ${describe(task)}.`,
      'task',
    );
  }
  if (typeof question !== 'string') {
    throw new ServeRequestError(
      400,
      'invalid_field',
      `"question" must be a string; received ${describe(question)}.`,
      'question',
    );
  }
  const trimmed = question.trim();
  if (trimmed.length === 0) {
    throw new ServeRequestError(
      400,
      'invalid_field',
      '"question" is empty; ask about the video, e.g. "When does the person open the door?".',
      'question',
    );
  }
  const characters = [...trimmed].length;
  if (characters > maxQuestionChars) {
    throw new ServeRequestError(
      400,
      'invalid_field',
      `"question" is ${characters} characters long; at most ${maxQuestionChars} are accepted.`,
      'question',
    );
  }
  return { videoId, task: task as AskTask, question: trimmed };
}
