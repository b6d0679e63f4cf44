// Worker-thread entry of JfWorkerPool: scores one expression per message (buffers are transferred both ways).
import { parentPort } from 'node:worker_threads';
import { scoreExpressionMasks } from './expression-job.js';
import type { JfJobMessage, JfResultMessage } from './jf-pool.js';

parentPort?.on('message', (m: JfJobMessage) => {
  try {
    const mk = (b: ArrayBuffer) => ({ width: m.width, height: m.height, data: new Uint8Array(b) });
    const r = scoreExpressionMasks(m.gt.map(mk), m.pred.map(mk), { accuracy: m.accuracy, item: m.item });
    const out: JfResultMessage = {
      id: m.id,
      J: r.frames.J,
      F: r.frames.F,
      ...(r.accuracy ? { A: r.accuracy } : {}),
      gtSpan: r.gtSpan,
      predSpan: r.predSpan,
    };
    const transfer = [r.frames.J.buffer, r.frames.F.buffer, ...(r.accuracy ? [r.accuracy.buffer] : [])];
    parentPort?.postMessage(out, transfer as ArrayBuffer[]);
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: { name: (e as Error).name, message: (e as Error).message } });
  }
});
