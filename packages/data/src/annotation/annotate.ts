import { AnnotationRejectedError } from '../errors/annotation-error.js';
import type { ChatClient, ChatContentPart, ChatMessage } from './chat-client.js';
import { actionAnnotationPrompt } from './prompts.js';
import { type FrameRangeSegment, readAnnotationAnswer, validateSegments } from './segments.js';

/** An encoded image ready to send: e.g. a JPEG of a sampled frame with the NumPro and Set-of-Marks overlays. */
export interface EncodedImage {
  readonly mimeType: 'image/jpeg' | 'image/png';
  readonly bytes: Uint8Array;
}

/** Result of {@link annotateShot}. */
export interface ShotAnnotation {
  readonly segments: FrameRangeSegment[];
  /** Answers asked for (1 when the first was valid). */
  readonly attempts: number;
  readonly model: string;
}

/**
 * Asks the model for "from A to B" action descriptions of one shot's sampled frames (ids 0..N-1 drawn on
 * them), validates the answer and, when invalid, asks again with the problems listed. After
 * `maxAttempts` invalid answers it throws {@link AnnotationRejectedError}: an invalid answer is never kept.
 */
export async function annotateShot(
  client: ChatClient,
  request: { readonly videoId: string; readonly shotIndex: number; readonly images: readonly EncodedImage[] },
  options: { readonly maxAttempts?: number; readonly minFrames?: number } = {},
): Promise<ShotAnnotation> {
  const frameCount = request.images.length;
  const maxAttempts = options.maxAttempts ?? 3;
  const content: ChatContentPart[] = [
    { type: 'text', text: actionAnnotationPrompt(frameCount, options.minFrames) },
    ...request.images.map(
      (img): ChatContentPart => ({
        type: 'image_url',
        image_url: { url: `data:${img.mimeType};base64,${Buffer.from(img.bytes).toString('base64')}` },
      }),
    ),
  ];
  const messages: ChatMessage[] = [{ role: 'user', content }];
  let problems: string[] = [];
  let lastAnswer = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const answer = await client.complete(messages);
    lastAnswer = answer.text;
    const read = readAnnotationAnswer(answer.text);
    const segments = read.segments;
    const rules = { frameCount, ...(options.minFrames ? { minFrames: options.minFrames } : {}) };
    problems =
      segments.length === 0 ? read.problems : [...read.problems, ...validateSegments(segments, rules)];
    if (problems.length === 0) return { segments, attempts: attempt, model: answer.model };
    messages.push(
      { role: 'assistant', content: answer.text },
      {
        role: 'user',
        content:
          `Your answer breaks the format rules:\n${problems.map((p) => `- ${p}`).join('\n')}\n` +
          `Answer again, covering frame IDs 0 to ${frameCount - 1} exactly once, one "from A to B: description" line per range.`,
      },
    );
  }
  throw new AnnotationRejectedError(request.videoId, request.shotIndex, problems, maxAttempts, lastAnswer);
}
