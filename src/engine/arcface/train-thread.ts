// Engine (arcface): trains a head in a worker thread (the caller's event loop stays free), with progress and cancel.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendInfo, BackendName } from '../compute/backend.js';
import type { HeadWeights } from './head-weights.js';
import type { TrainConfig, TrainData, TrainHooks, TrainOutcome } from './trainer.js';
import type { WorkerInput, WorkerMessage } from './train-worker.js';

/**
 * [Note: worker file next to this one] The worker is resolved beside this module with this module's own
 * extension: '.ts' when run from source through tsx (workers inherit the parent's `--import tsx`), '.js' from the
 * compiled dist/. Resolving a fixed '.js' would break the first, a fixed '.ts' the second.
 */
export function workerUrl(): URL {
  const ext = extname(fileURLToPath(import.meta.url)) || '.js';
  return new URL(`./train-worker${ext}`, import.meta.url);
}

/**
 * From compiled .js the worker file is started directly. From .ts source (tests and `node --import tsx`), Node
 * checks a worker's entry before the inherited tsx hooks are active, so a tiny bootstrap registers tsx in the
 * worker first and then imports the .ts file.
 */
function spawnWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

export interface ThreadOutcome extends TrainOutcome {
  backend: BackendInfo;
}

export function trainInWorker(
  data: TrainData,
  init: HeadWeights,
  cfg: TrainConfig,
  hooks: TrainHooks & { backend?: BackendName } = {},
): Promise<ThreadOutcome> {
  const input: WorkerInput = { data, init, cfg, ...(hooks.backend ? { backend: hooks.backend } : {}) };
  const worker = spawnWorker(workerUrl(), input);
  return new Promise<ThreadOutcome>((resolve, reject) => {
    let backend: BackendInfo | undefined;
    let settled = false;
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    if (hooks.signal?.aborted) onAbort();
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'backend') backend = m.info;
      else if (m.type === 'progress') hooks.onProgress?.(m.progress);
      else if (m.type === 'done') finish(() => resolve({ ...m.outcome, backend: backend! }));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`the training worker stopped (exit code ${code}) before it finished`))),
    );
  });
}
