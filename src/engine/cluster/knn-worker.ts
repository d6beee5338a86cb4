// Engine (cluster, worker thread): one shard of the parallel kNN graph: project rows, build an HNSW shard, search every row in it.
import hnswlib from 'hnswlib-node';
import { parentPort } from 'node:worker_threads';
import { projectRow } from './project.js';

export interface ShardJob {
  vectors: Float32Array; // shared, n * dim
  projected: Float32Array; // shared, n * p
  basis: Float32Array;
  n: number;
  dim: number;
  p: number;
  from: number;
  to: number;
  want: number;
  m: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
  /** Outputs, shared: for every row, this shard's `want` best candidates (global index, exact cosine). */
  candNbr: Int32Array;
  candSim: Float32Array;
}

/**
 * [Note: parallel kNN] The main thread projects every row on the PCA basis (onnxruntime GEMM). Each worker owns
 * a contiguous shard of rows: it builds an HNSW index of its shard and searches every row of the library in it,
 * re-ranking what it finds with exact dot products (phase 'search'; phase 'project' projects in plain JS where
 * no GEMM is at hand). The main thread keeps the best k of the shards' candidates per row. Two shards on two
 * cores halve the build; searches cost about the same as in one big index.
 */
function run(phase: 'project' | 'search', j: ShardJob): void {
  const { vectors, projected, basis, dim, p } = j;
  if (phase === 'project') {
    const out = new Array<number>(p);
    for (let i = j.from; i < j.to; i++) {
      projectRow(vectors, i, dim, basis, p, out);
      projected.set(out, i * p);
    }
    return;
  }
  const index = new hnswlib.HierarchicalNSW('ip', p);
  const size = j.to - j.from;
  index.initIndex({ maxElements: Math.max(1, size), m: j.m, efConstruction: j.efConstruction, randomSeed: j.seed });
  const row = (i: number) => Array.from(projected.subarray(i * p, (i + 1) * p));
  for (let i = j.from; i < j.to; i++) index.addPoint(row(i), i);
  const want = Math.min(j.want, size);
  index.setEf(Math.max(j.efSearch, want));
  for (let i = 0; i < j.n; i++) {
    const r = index.searchKnn(row(i), want);
    const base = i * j.want;
    for (let c = 0; c < j.want; c++) {
      const t = c < r.neighbors.length ? r.neighbors[c]! : -1;
      j.candNbr[base + c] = t;
      if (t < 0) {
        j.candSim[base + c] = -Infinity;
        continue;
      }
      let s = 0;
      const a = i * dim;
      const b = t * dim;
      for (let d = 0; d < dim; d++) s += vectors[a + d]! * vectors[b + d]!;
      j.candSim[base + c] = s;
    }
  }
}

parentPort?.on('message', (msg: { phase: 'project' | 'search'; job: ShardJob }) => {
  try {
    run(msg.phase, msg.job);
    parentPort!.postMessage({ ok: true });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
