import type { PipelineEvent } from '@videoloom/llm-core';
/**
 * The contract between the server and the model. The server never sees tensors: it hands the engine
 * a stored video's path and the question, and gets text, a time span and COCO RLE masks back.
 *
 * Masks are COCO run-length encoding exactly as pycocotools writes it: `size` is `[height, width]`
 * of the mask (the video's frame size), `counts` the compressed string (`rleToString`), runs in
 * column-major order starting with background. `frameIndex` is the position of the frame in the
 * decoded video (0-based, presentation order) and `timeSeconds` its presentation time.
 */
export type AskTask = 'when' | 'where' | 'combined' | 'free';
export interface AskRequest {
  readonly videoPath: string;
  readonly question: string;
  readonly task: AskTask;
}
/** Progress and partial results, as the VideoLoom pipeline emits them (one owner: llm-core). */
export type AnswerEvent = PipelineEvent;
export interface AnswerResult {
  readonly text: string;
  readonly span: { readonly startSeconds: number; readonly endSeconds: number } | null;
  readonly masks: readonly {
    frameIndex: number;
    timeSeconds: number;
    rle: { size: [number, number]; counts: string };
  }[];
  readonly video: {
    readonly width: number;
    readonly height: number;
    readonly fps: number;
    readonly frameCount: number;
    readonly durationSeconds: number;
  };
}
export interface VideoQaEngine {
  /** Resolves when weights are loaded (readiness). */
  ready(): Promise<void>;
  answer(
    request: AskRequest,
    options: { signal: AbortSignal; onEvent?: (e: AnswerEvent) => void },
  ): Promise<AnswerResult>;
}

/** The tasks in the order the page offers them. */
export const ASK_TASKS: readonly AskTask[] = Object.freeze(['when', 'where', 'combined', 'free']);
