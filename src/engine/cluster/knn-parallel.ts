// Engine (cluster): the kNN graph of a large library on worker threads (projected HNSW shards, exact re-ranking).
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildKnnGraph, knnOptions, mergeCandidates, type KnnGraph, type KnnOptions } from './knn.js';
import type { ShardJob } from './knn-worker.js';
import { pcaProject } from './project.js';

/** Worker threads used; 0 runs on the calling thread (small libraries always do). */
export const parallelOptions = { workers: Math.max(1, Math.min(4, availableParallelism())) };

/**
 * The worker runs the same module format as this file: compiled .js in the app, TypeScript under tsx in
 * development, where the worker registers tsx itself before loading its .ts entry (hooks are per thread).
 */
function spawnWorker(): Worker {
  const here = fileURLToPath(import.meta.url);
  const entry = new URL(`./knn-worker${extname(here)}`, import.meta.url);
  if (extname(here) !== '.ts') return new Worker(entry);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true });
}

/** See [Note: parallel kNN] in knn-worker.ts; below `projectFrom` faces this is buildKnnGraph on this thread. */
export async function buildKnnGraphParallel(
  vectors: Float32Array,
  n: number,
  dim: number,
  opts: Partial<KnnOptions> & { workers?: number } = {},
): Promise<KnnGraph> {
  const o = { ...knnOptions, ...opts };
  const W = opts.workers ?? parallelOptions.workers;
  if (n < o.projectFrom || W < 2 || dim % 4 !== 0) return buildKnnGraph(vectors, n, dim, opts);
  const k = Math.min(o.k, n - 1);
  const p = Math.min(o.projectDim, dim);
  const want = k + 8;
  const shared = <T extends Float32Array | Int32Array>(make: (b: SharedArrayBuffer) => T, len: number) =>
    make(new SharedArrayBuffer(len * 4));
  // Vectors already in shared memory (loadFaces puts them there) are handed over as they are.
  let sv = vectors;
  if (!(vectors.buffer instanceof SharedArrayBuffer)) {
    sv = shared((b) => new Float32Array(b), n * dim);
    sv.set(vectors.subarray(0, n * dim));
  }
  const pca = await pcaProject(vectors, n, dim, p);
  const basis = pca.basis;
  const projected = shared((b) => new Float32Array(b), n * p);
  projected.set(pca.projected);
  const shards = Array.from({ length: W }, (_, w) => ({
    from: Math.floor((w * n) / W),
    to: Math.floor(((w + 1) * n) / W),
  }));
  const jobs: ShardJob[] = shards.map(({ from, to }) => ({
    vectors: sv,
    projected,
    basis,
    n,
    dim,
    p,
    from,
    to,
    want,
    m: o.m,
    efConstruction: o.efConstruction,
    efSearch: o.efSearch,
    seed: o.seed,
    candNbr: shared((b) => new Int32Array(b), n * want),
    candSim: shared((b) => new Float32Array(b), n * want),
  }));
  const workers = jobs.map(() => spawnWorker());
  const call = (w: Worker, phase: 'project' | 'search', job: ShardJob) =>
    new Promise<void>((resolve, reject) => {
      w.once('message', (m: { ok: boolean; error?: string }) =>
        m.ok ? resolve() : reject(new Error(`kNN worker: ${m.error}`)),
      );
      w.once('error', reject);
      w.postMessage({ phase, job });
    });
  try {
    await Promise.all(workers.map((w, i) => call(w, 'search', jobs[i]!)));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return mergeCandidates(
    n,
    k,
    want,
    jobs.map((j) => ({ nbr: j.candNbr, sim: j.candSim })),
  );
}
