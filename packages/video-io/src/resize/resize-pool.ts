import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FrameSize, RgbFrame } from '../video-source.js';
import { type PilFilter, resizeRgbLikePil } from './pil-resample.js';

/**
 * Resizes frames on one worker thread when the built worker file is there (the package's dist), on the
 * main thread otherwise (running from sources). Same function either way, so the same bytes.
 */
export class ResizeRunner {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (d: Uint8Array) => void; reject: (e: Error) => void }
  >();

  /** @param url the built worker entry; by default `resize-worker.js` beside this module. */
  constructor(url: URL = new URL('./resize-worker.js', import.meta.url)) {
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) {
      this.worker = new Worker(url);
      this.worker.unref();
      this.worker.on('message', (message: { id: number; data?: Uint8Array; error?: string }) => {
        const job = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!job) return;
        if (message.data) job.resolve(message.data);
        else job.reject(new Error(message.error ?? 'resize failed'));
      });
      this.worker.on('error', (error) => {
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
        this.worker = undefined;
      });
    }
  }

  async resize(frame: RgbFrame, size: FrameSize, filter: PilFilter): Promise<RgbFrame> {
    if (!this.worker) return resizeRgbLikePil(frame, size, filter);
    const id = this.nextId++;
    const data = await new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage(
        {
          id,
          width: frame.width,
          height: frame.height,
          data: frame.data,
          outWidth: size.width,
          outHeight: size.height,
          filter,
        },
        [frame.data.buffer as ArrayBuffer],
      );
    });
    return { width: size.width, height: size.height, data };
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
