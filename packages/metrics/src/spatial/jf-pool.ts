import { Worker } from 'node:worker_threads';
import { MaskFormatError } from '../errors/index.js';
import { MetricsError } from '../errors/metrics-error.js';
import type { BinaryMask } from '../masks/binary-mask.js';
import type { ExpressionMaskScores } from './expression-job.js';

/** @internal message to a worker: the masks of one expression, all of one size, buffers transferred. */
export interface JfJobMessage {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly gt: ArrayBuffer[];
  readonly pred: ArrayBuffer[];
  readonly accuracy: boolean;
  readonly item: string;
}

/** @internal reply of a worker. */
export interface JfResultMessage {
  readonly id: number;
  readonly J: Float64Array;
  readonly F: Float64Array;
  readonly A?: Float64Array;
  readonly gtSpan: { first: number; last: number } | null;
  readonly predSpan: { first: number; last: number } | null;
}

class WorkerScoreError extends MetricsError {
  readonly name = 'VL_WorkerScoreError' as const;
}

/** An exclusively owned buffer holding exactly the mask's pixels (copied when the mask is a view). */
function ownBuffer(m: BinaryMask): ArrayBuffer {
  const d = m.data;
  if (d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && d.buffer instanceof ArrayBuffer)
    return d.buffer;
  return d.slice().buffer as ArrayBuffer;
}

/**
 * Scores expressions on worker threads (one expression per task). The masks' buffers are TRANSFERRED to the
 * worker (the caller's masks become unusable), results come back in the order of `score` calls' promises.
 * Numbers are identical to the inline path (same code, same order inside an expression).
 */
export class JfWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: ExpressionMaskScores) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(
    readonly size: number,
    workerUrl: URL = new URL('./jf-worker.js', import.meta.url),
  ) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const w = new Worker(workerUrl);
      w.on('message', (m: JfResultMessage | { id: number; error: { name: string; message: string } }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.release(w);
        if (!p) return;
        if ('error' in m) p.reject(new WorkerScoreError(`${m.error.name}: ${m.error.message}`));
        else
          p.resolve({
            frames: { J: m.J, F: m.F },
            ...(m.A ? { accuracy: m.A } : {}),
            gtSpan: m.gtSpan,
            predSpan: m.predSpan,
          });
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    this.idle.push(w);
    next?.();
  }

  private async acquire(): Promise<Worker> {
    while (this.idle.length === 0) await new Promise<void>((r) => this.waiting.push(r));
    return this.idle.pop() as Worker;
  }

  /** Scores one expression (GT and predicted masks per frame, same size); resolves when a worker is done. */
  async score(
    gt: readonly BinaryMask[],
    pred: readonly BinaryMask[],
    options: { accuracy?: boolean; item?: string } = {},
  ): Promise<ExpressionMaskScores> {
    const first = gt[0] ?? pred[0];
    for (const [t, m] of [...gt, ...pred].entries()) {
      if (m.width !== first?.width || m.height !== first.height) {
        throw new MaskFormatError(
          options.item ?? '<expression>',
          `${first?.width}x${first?.height} on every frame`,
          `${m.width}x${m.height}`,
          t % Math.max(1, gt.length),
        );
      }
    }
    const w = await this.acquire();
    const id = this.nextId++;
    const msg: JfJobMessage = {
      id,
      width: first?.width ?? 0,
      height: first?.height ?? 0,
      gt: gt.map(ownBuffer),
      pred: pred.map(ownBuffer),
      accuracy: options.accuracy ?? false,
      item: options.item ?? `expression ${id}`,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage(msg, [...new Set([...msg.gt, ...msg.pred])]);
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
