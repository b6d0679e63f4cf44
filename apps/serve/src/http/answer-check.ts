import type { AnswerResult } from '../engine.js';

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The first problem with an engine's result, or undefined when it has the `AnswerResult` shape the
 * page relies on (text, span or null with start <= end, masks with `[height, width]` RLE strings,
 * video metadata). A broken engine becomes a 500 naming the field instead of a broken page.
 */
export function answerResultProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null)
    return `the result is ${value === null ? 'null' : typeof value}`;
  const result = value as Partial<Record<keyof AnswerResult, unknown>>;
  if (typeof result.text !== 'string') return '"text" is not a string';
  if (result.span !== null) {
    const span = result.span as { startSeconds?: unknown; endSeconds?: unknown } | undefined;
    if (typeof span !== 'object' || !isNumber(span.startSeconds) || !isNumber(span.endSeconds))
      return '"span" is neither null nor {startSeconds, endSeconds}';
    if (span.startSeconds > span.endSeconds)
      return `"span" starts after it ends (${span.startSeconds} > ${span.endSeconds})`;
  }
  if (!Array.isArray(result.masks)) return '"masks" is not an array';
  for (const [i, mask] of (result.masks as unknown[]).entries()) {
    const m = mask as {
      frameIndex?: unknown;
      timeSeconds?: unknown;
      rle?: { size?: unknown; counts?: unknown };
    };
    if (typeof m !== 'object' || m === null || !Number.isInteger(m.frameIndex) || !isNumber(m.timeSeconds))
      return `masks[${i}] lacks an integer frameIndex or a timeSeconds`;
    const size = m.rle?.size;
    if (
      !Array.isArray(size) ||
      size.length !== 2 ||
      !size.every((n) => Number.isInteger(n) && n >= 0) ||
      typeof m.rle?.counts !== 'string'
    )
      return `masks[${i}].rle is not {size: [height, width], counts: string}`;
  }
  const video = result.video as Record<string, unknown> | undefined;
  if (typeof video !== 'object' || video === null) return '"video" is missing';
  for (const key of ['width', 'height', 'fps', 'frameCount', 'durationSeconds']) {
    if (!isNumber(video[key])) return `"video.${key}" is not a number`;
  }
  return undefined;
}
