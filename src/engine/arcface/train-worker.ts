// Engine (arcface, worker thread): runs one head training off the main thread; progress and the result go back by message.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../compute/backend.js';
import { trainHead, type TrainConfig, type TrainData } from './trainer.js';
import type { HeadWeights } from './head-weights.js';

export interface WorkerInput {
  data: TrainData;
  init: HeadWeights;
  cfg: TrainConfig;
  backend?: BackendName;
}

export type WorkerMessage =
  | { type: 'backend'; info: Awaited<ReturnType<typeof initBackend>> }
  | { type: 'progress'; progress: import('./trainer.js').Progress }
  | { type: 'done'; outcome: import('./trainer.js').TrainOutcome }
  | { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('train-worker must run as a worker thread');
const input = workerData as WorkerInput;
const ac = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') ac.abort();
});
try {
  const info = await initBackend(input.backend);
  port.postMessage({ type: 'backend', info } satisfies WorkerMessage);
  const outcome = await trainHead(input.data, input.init, input.cfg, {
    signal: ac.signal,
    onProgress: (progress) => port.postMessage({ type: 'progress', progress } satisfies WorkerMessage),
  });
  port.postMessage({ type: 'done', outcome } satisfies WorkerMessage);
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message } satisfies WorkerMessage);
} finally {
  port.close();
}
