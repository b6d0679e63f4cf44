// Worker-thread entry (built as dist/resize-worker.js): runs Pillow-exact resizes off the main thread,
// so the main thread keeps reading FFmpeg's pipes while a frame is being resized.
import { parentPort } from 'node:worker_threads';
import { type PilFilter, resizeRgbLikePil } from './pil-resample.js';

/** A resize job; `data` is transferred, not copied. */
export interface ResizeJob {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  readonly outWidth: number;
  readonly outHeight: number;
  readonly filter: PilFilter;
}

parentPort?.on('message', (job: ResizeJob) => {
  try {
    const out = resizeRgbLikePil(job, { width: job.outWidth, height: job.outHeight }, job.filter);
    parentPort!.postMessage({ id: job.id, data: out.data }, [out.data.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
