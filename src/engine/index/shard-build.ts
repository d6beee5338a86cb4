// Engine (index): builds HNSW shards side by side on worker threads, the calling thread blocked until they are written.
import hnswlib from 'hnswlib-node';
import { availableParallelism } from 'node:os';
import { siblingModule, spawnModuleWorker } from '../compute/worker.js';

/** One shard to build: the rows whose label modulo `shards` is `shard`, written to `file`. */
export interface ShardJob {
  shard: number;
  shards: number;
  file: string;
  m: number;
  efConstruction: number;
  seed: number;
  /** Room for this many elements beyond the shard's rows (as a fraction: 1.5 = 50% more), at least `minCapacity`. */
  growth: number;
  minCapacity: number;
}

/** What a built shard holds (its fingerprint: see [Note: index staleness]). */
export interface BuiltShard {
  count: number;
  idSum: number;
  maxId: number;
}

/** Shared inputs: n unit vectors of `dim` floats and their labels (face ids), in SharedArrayBuffers. */
export interface ShardInput {
  vectors: Float32Array;
  labels: Int32Array;
  n: number;
  dim: number;
}

export interface WorkerData extends ShardInput {
  jobs: ShardJob[];
  /** [next job, jobs finished, failed, workers started] */
  status: Int32Array;
  /** count, idSum, maxId per job */
  results: Float64Array;
  /** UTF-8 of the first error */
  error: Uint8Array;
}

export const shardBuildOptions = {
  /** Workers building shards at once (each builds one shard at a time, on one core). */
  workers: availableParallelism(),
  /** A worker that has not started after this long means the build cannot run (ms). */
  startTimeoutMs: 120_000,
};

/** Builds one shard on the calling thread (also what each worker runs). */
export function buildShard(input: ShardInput, job: ShardJob): { index: hnswlib.HierarchicalNSW; built: BuiltShard } {
  const { vectors, labels, n, dim } = input;
  let count = 0;
  for (let i = 0; i < n; i++) if (labels[i]! % job.shards === job.shard) count++;
  const index = new hnswlib.HierarchicalNSW('ip', dim);
  index.initIndex({
    maxElements: Math.max(job.minCapacity, Math.ceil(count * job.growth)),
    m: job.m,
    efConstruction: job.efConstruction,
    randomSeed: job.seed,
  });
  const built = { count: 0, idSum: 0, maxId: 0 };
  const row = new Array<number>(dim);
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (label % job.shards !== job.shard) continue;
    for (let d = 0, o = i * dim; d < dim; d++) row[d] = vectors[o + d]!;
    index.addPoint(row, label);
    built.count++;
    built.idSum += label;
    built.maxId = Math.max(built.maxId, label);
  }
  return { index, built };
}

/**
 * [Note: parallel index build] hnswlib-node adds points one at a time on the calling thread, so a large index is
 * built as shards, each on its own worker thread from the same shared vectors, each written to its file; the
 * calling thread waits (Atomics.wait: FaceIndex.open stays synchronous, as every caller expects) and loads the
 * files. Two shards on two cores build a million faces in about half the time one index takes.
 */
export function buildShardsSync(
  input: ShardInput,
  jobs: ShardJob[],
  o: Partial<typeof shardBuildOptions> = {},
): BuiltShard[] {
  const opts = { ...shardBuildOptions, ...o };
  if (!(input.vectors.buffer instanceof SharedArrayBuffer) || !(input.labels.buffer instanceof SharedArrayBuffer))
    throw new Error('buildShardsSync needs its vectors and labels in SharedArrayBuffers');
  const status = new Int32Array(new SharedArrayBuffer(16));
  const results = new Float64Array(new SharedArrayBuffer(8 * 3 * jobs.length));
  const error = new Uint8Array(new SharedArrayBuffer(1024));
  const data: WorkerData = { ...input, jobs, status, results, error };
  const count = Math.max(1, Math.min(opts.workers, jobs.length));
  const workers = Array.from({ length: count }, () =>
    spawnModuleWorker(siblingModule(import.meta.url, 'shard-build-worker'), data),
  );
  for (const w of workers) w.unref();
  const t0 = Date.now();
  try {
    for (;;) {
      const finished = Atomics.load(status, 1);
      if (Atomics.load(status, 2)) {
        const msg = new TextDecoder().decode(error.slice()).replace(/\0+$/, '');
        throw new Error(`building the HNSW index failed: ${msg}`);
      }
      if (finished >= jobs.length) break;
      if (Atomics.load(status, 3) === 0 && Date.now() - t0 > opts.startTimeoutMs)
        throw new Error('building the HNSW index failed: its worker threads did not start');
      Atomics.wait(status, 1, finished, 1000);
    }
  } catch (err) {
    for (const w of workers) void w.terminate();
    throw err;
  }
  return jobs.map((_, j) => ({ count: results[3 * j]!, idSum: results[3 * j + 1]!, maxId: results[3 * j + 2]! }));
}
