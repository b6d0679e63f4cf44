import { join } from 'node:path';
import { type DeviceName, selectTfjsBackend } from '@videoloom/backend';
import { bundledTinyCheckpointDir, VideoLoomPipeline } from '@videoloom/llm-core';
import { Sam2Bridge } from '@videoloom/sam2-bridge';
import { FfmpegVideoSource } from '@videoloom/video-io';
import type { VideoQaEngine } from './engine.js';

/** What the CLI knows about the model to load. */
export interface EngineLoadOptions {
  /** `--checkpoint`: a VideoLoom checkpoint folder; the bundled tiny model when absent. */
  readonly checkpoint: string | undefined;
  /** `--device`, already validated. */
  readonly device: DeviceName;
}

/** Creates the engine the server asks (loading happens in its `ready()`, so the server starts at once). */
export type EngineLoader = (options: EngineLoadOptions) => VideoQaEngine;

/**
 * The loader `videoloom-serve` uses: the VideoLoom pipeline (llm-core) of a checkpoint folder with
 * its SAM2 (`sam2/`, sam2-bridge on ONNX Runtime) as the segmenter. Calls run one at a time (the
 * server's queue decides how many wait).
 */
export const loadDefaultEngine: EngineLoader = (options) => {
  const dir = options.checkpoint ?? bundledTinyCheckpointDir();
  let loading: Promise<VideoLoomPipeline> | null = null;
  const pipeline = () => {
    loading ??= (async () => {
      await selectTfjsBackend({ device: options.device });
      const segmenter = await Sam2Bridge.load(join(dir, 'sam2'), { device: options.device });
      return VideoLoomPipeline.load(dir, { segmenter });
    })();
    return loading;
  };
  const source = new FfmpegVideoSource();
  return {
    ready: async () => {
      await pipeline();
    },
    answer: async (request, { signal, onEvent }) => {
      const model = await pipeline();
      const answer = await model.answer(source, request.videoPath, request.question, request.task, {
        signal,
        ...(onEvent ? { onEvent } : {}),
      });
      // The HTTP answer leaves out the span's frame ids and the per-frame times.
      return {
        text: answer.text,
        span: answer.span
          ? { startSeconds: answer.span.startSeconds, endSeconds: answer.span.endSeconds }
          : null,
        masks: answer.masks,
        video: answer.video,
      };
    },
  };
};
