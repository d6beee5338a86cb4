// Engine (compute): starts a worker thread on an engine module, compiled (.js) in the app or TypeScript under tsx.
import { Worker, type TransferListItem, type WorkerOptions } from 'node:worker_threads';

/**
 * The worker runs the same module format as its entry URL: compiled .js in the app, TypeScript in development,
 * where the worker registers tsx itself before loading its .ts entry (module hooks are per thread).
 */
export function spawnModuleWorker(entry: URL, workerData?: unknown, transferList?: TransferListItem[]): Worker {
  const opts = { workerData, ...(transferList ? { transferList } : {}) } as WorkerOptions;
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, opts);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}

/** `./name.ts` or `./name.js` beside `base` (an import.meta.url), in the format `base` itself runs as. */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
