// Engine (index, worker thread): builds HNSW shards from shared vectors and writes each to its file (see [Note: parallel index build]).
import { workerData } from 'node:worker_threads';
import { buildShard, type WorkerData } from './shard-build.js';

const d = workerData as WorkerData;
Atomics.add(d.status, 3, 1);
Atomics.notify(d.status, 1);
try {
  for (;;) {
    const j = Atomics.add(d.status, 0, 1);
    if (j >= d.jobs.length) break;
    const job = d.jobs[j]!;
    const { index, built } = buildShard(d, job);
    index.writeIndexSync(job.file);
    d.results[3 * j] = built.count;
    d.results[3 * j + 1] = built.idSum;
    d.results[3 * j + 2] = built.maxId;
    Atomics.add(d.status, 1, 1);
    Atomics.notify(d.status, 1);
  }
} catch (err) {
  const msg = new TextEncoder().encode(String((err as Error)?.message ?? err).slice(0, 1000));
  d.error.set(msg.subarray(0, d.error.length));
  Atomics.store(d.status, 2, 1);
  Atomics.notify(d.status, 1);
}
