import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../errors/index.js';
import { RequestQueue } from './request-queue.js';

const never = new AbortController().signal;

describe('RequestQueue', () => {
  it('starts up to `concurrency` at once, queues `queueSize` more, and refuses beyond', async () => {
    const queue = new RequestQueue({ concurrency: 2, queueSize: 2, initialCallSeconds: 7 });
    const a = queue.reserve();
    const b = queue.reserve();
    expect([a.position, b.position]).toEqual([0, 0]);
    const c = queue.reserve();
    const d = queue.reserve();
    expect([c.position, d.position]).toEqual([1, 2]);
    expect([queue.running, queue.waiting]).toEqual([2, 2]);
    let refused: unknown;
    try {
      queue.reserve();
    } catch (error) {
      refused = error;
    }
    expect(QueueFullError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({
      status: 429,
      code: 'queue_full',
      running: 2,
      waiting: 2,
      retryAfterSeconds: 4,
    });
    await a.wait(never);
    a.release();
    a.release(); // idempotent
    await c.wait(never);
    expect([queue.running, queue.waiting]).toEqual([2, 1]);
  });

  it('hands slots over first come, first served', async () => {
    const queue = new RequestQueue({ concurrency: 1, queueSize: 5 });
    const first = queue.reserve();
    const order: number[] = [];
    const waiting = [1, 2, 3, 4].map((n) => {
      const ticket = queue.reserve();
      return ticket.wait(never).then(() => {
        order.push(n);
        ticket.release();
      });
    });
    first.release();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3, 4]);
    expect([queue.running, queue.waiting]).toEqual([0, 0]);
  });

  it('drops a waiting ticket whose signal aborts, and never starts it', async () => {
    const queue = new RequestQueue({ concurrency: 1, queueSize: 2 });
    const running = queue.reserve();
    const controller = new AbortController();
    const leaving = queue.reserve();
    const staying = queue.reserve();
    const left = leaving.wait(controller.signal);
    controller.abort(new Error('client went away'));
    await expect(left).rejects.toThrow('client went away');
    expect(queue.waiting).toBe(1);
    running.release();
    await staying.wait(never);
    expect(queue.running).toBe(1);
    staying.release();
    leaving.release();
    expect([queue.running, queue.waiting]).toEqual([0, 0]);
  });

  it('with queueSize 0 refuses as soon as every slot is busy', () => {
    const queue = new RequestQueue({ concurrency: 1, queueSize: 0 });
    queue.reserve();
    expect(() => queue.reserve()).toThrow(/1 question\(s\) running and 0 waiting/);
  });

  it('keeps running + waiting within bounds under random arrivals, releases and aborts', async () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const queue = new RequestQueue({ concurrency: 3, queueSize: 4 });
    const held: { release: () => void }[] = [];
    let refused = 0;
    for (let step = 0; step < 2000; step++) {
      const r = random();
      if (r < 0.5) {
        try {
          const ticket = queue.reserve();
          const controller = new AbortController();
          void ticket.wait(controller.signal).catch(() => undefined);
          held.push({
            // As the server does: a client may go away first, and the slot is always given back.
            release: () => {
              if (random() < 0.3) controller.abort();
              ticket.release();
            },
          });
        } catch (error) {
          expect(QueueFullError.isInstance(error)).toBe(true);
          refused++;
        }
      } else if (held.length > 0) {
        held.splice(Math.floor(random() * held.length), 1)[0]!.release();
      }
      await Promise.resolve();
      expect(queue.running).toBeLessThanOrEqual(3);
      expect(queue.waiting).toBeLessThanOrEqual(4);
      // A slot is never idle while someone waits.
      if (queue.waiting > 0) expect(queue.running).toBe(3);
    }
    expect(refused).toBeGreaterThan(0);
  });
});
