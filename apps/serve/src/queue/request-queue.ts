import { QueueFullError } from '../errors/index.js';

/** A place in the queue: either running already (`position` 0) or waiting for a slot. */
export interface QueueTicket {
  /** 0 when it holds a slot at once; otherwise 1-based place among the waiting. */
  readonly position: number;
  /** Resolves once the ticket holds a slot; rejects with the signal's reason if aborted first. */
  wait(signal: AbortSignal): Promise<void>;
  /** Gives the slot back (or leaves the queue). Idempotent. */
  release(): void;
}

export interface RequestQueueOptions {
  /** Tickets that may hold a slot at once (engine calls running). */
  readonly concurrency: number;
  /** Tickets that may wait for a slot; `reserve()` throws `QueueFullError` beyond. */
  readonly queueSize: number;
  /**
   * Guess of one call's duration before any call has finished, for Retry-After.
   * @defaultValue 10
   */
  readonly initialCallSeconds?: number;
}

interface Waiter {
  start: () => void;
  ticket: Ticket;
}

class Ticket implements QueueTicket {
  started = false;
  released = false;
  startedAt = 0;
  private readonly startedPromise: Promise<void>;
  private resolveStarted!: () => void;

  constructor(
    private readonly queue: RequestQueue,
    readonly position: number,
  ) {
    this.startedPromise = new Promise((resolve) => {
      this.resolveStarted = resolve;
    });
  }

  markStarted(): void {
    this.started = true;
    this.startedAt = performance.now();
    this.resolveStarted();
  }

  wait(signal: AbortSignal): Promise<void> {
    if (this.started) return Promise.resolve();
    if (this.released) return Promise.reject(new Error('queue ticket was released before it started'));
    if (signal.aborted) {
      this.release();
      return Promise.reject(signal.reason);
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.release();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.startedPromise.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.queue.onRelease(this);
  }
}

/**
 * Bounds the engine work: at most `concurrency` calls run, at most `queueSize` wait (first come,
 * first served), and one more is refused at once with `QueueFullError` (HTTP 429) instead of piling
 * up. Reserving is synchronous so a handler can refuse before it sends any response header.
 */
export class RequestQueue {
  private runningCount = 0;
  private readonly waiters: Waiter[] = [];
  /** Exponential moving average of finished calls' durations, for Retry-After. */
  private averageCallSeconds: number;

  constructor(private readonly options: RequestQueueOptions) {
    this.averageCallSeconds = options.initialCallSeconds ?? 10;
  }

  get running(): number {
    return this.runningCount;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  get concurrency(): number {
    return this.options.concurrency;
  }

  get queueSize(): number {
    return this.options.queueSize;
  }

  /**
   * Seconds until a refused request is likely to be accepted: a place in the queue opens when one of
   * the running calls ends, i.e. about one average call spread over the slots.
   */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.averageCallSeconds / this.options.concurrency));
  }

  /** Takes a slot or a place in the queue; throws `QueueFullError` when both are full. */
  reserve(): QueueTicket {
    if (this.runningCount < this.options.concurrency && this.waiters.length === 0) {
      const ticket = new Ticket(this, 0);
      this.runningCount++;
      ticket.markStarted();
      return ticket;
    }
    if (this.waiters.length >= this.options.queueSize) {
      throw new QueueFullError(this.runningCount, this.waiters.length, this.retryAfterSeconds());
    }
    const ticket = new Ticket(this, this.waiters.length + 1);
    this.waiters.push({ ticket, start: () => ticket.markStarted() });
    return ticket;
  }

  /** @internal called by a ticket's release(). */
  onRelease(ticket: Ticket): void {
    if (!ticket.started) {
      const index = this.waiters.findIndex((w) => w.ticket === ticket);
      if (index >= 0) this.waiters.splice(index, 1);
      return;
    }
    this.runningCount--;
    const seconds = (performance.now() - ticket.startedAt) / 1000;
    this.averageCallSeconds = 0.7 * this.averageCallSeconds + 0.3 * seconds;
    const next = this.waiters.shift();
    if (next) {
      this.runningCount++;
      next.start();
    }
  }
}
