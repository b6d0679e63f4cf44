import type { DeviceName } from '@videoloom/backend';
import type { VideoQaEngine } from './engine.js';
import { EngineUnavailableError } from './errors/index.js';

/** What the CLI knows about the model to load. */
export interface EngineLoadOptions {
  /** `--checkpoint`: the trained VideoLoom checkpoint folder, if one was given. */
  readonly checkpoint: string | undefined;
  /** `--device`, already validated. */
  readonly device: DeviceName;
}

/** Creates the engine the server asks (loading happens in its `ready()`, so the server starts at once). */
export type EngineLoader = (options: EngineLoadOptions) => VideoQaEngine;

/**
 * The loader `videoloom-serve` uses. The model engine is not wired into this app yet, so the engine
 * it returns never becomes ready: /readyz reports why (503, `engine_failed`) and asks are refused
 * with 503, while uploads and the page work. Embedders pass their own engine to `startServer`.
 */
export const loadDefaultEngine: EngineLoader = (options) => {
  const reason =
    'no VideoLoom model engine is wired into videoloom-serve yet' +
    (options.checkpoint === undefined
      ? ''
      : ` (checkpoint ${options.checkpoint}, device ${options.device} not loaded)`) +
    '; embed the server with startServer({ engine }) to serve a model.';
  const error = new EngineUnavailableError(reason);
  return {
    ready: () => Promise.reject(error),
    answer: () => Promise.reject(error),
  };
};
