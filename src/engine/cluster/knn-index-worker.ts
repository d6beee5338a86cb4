// Engine (cluster, worker thread): searches one shard file of the persisted HNSW index for a range of faces (see [Note: kNN from the index]).
import hnswlib from 'hnswlib-node';
import { parentPort } from 'node:worker_threads';

export interface IndexSearchJob {
  file: string;
  dim: number;
  /** Shared: n * dim, the clustered faces' vectors (unit, or scaled by quality: [Note: quality-aware similarity]). */
  vectors: Float32Array;
  /** Shared: each row's length (its quality scale; 1 for a unit row). The index stores unit vectors. */
  norms: Float32Array;
  /** Shared: face id -> row of the clustered faces, -1 for faces outside the clustering. */
  rowOf: Int32Array;
  from: number;
  to: number;
  want: number;
  ef: number;
  /** Shared outputs for this shard: per row, `want` candidate rows (-1: none) and their cosine similarities. */
  candNbr: Int32Array;
  candSim: Float32Array;
}

let loaded: { file: string; ix: hnswlib.HierarchicalNSW } | undefined;

function run(j: IndexSearchJob): void {
  if (loaded?.file !== j.file) {
    loaded = undefined; // the previous shard goes before the next one loads
    const ix = new hnswlib.HierarchicalNSW('ip', j.dim);
    ix.readIndexSync(j.file);
    loaded = { file: j.file, ix };
  }
  const ix = loaded.ix;
  const count = ix.getCurrentCount();
  const ask = Math.min(j.want + 1, count); // + 1: the face itself is in the index
  ix.setEf(Math.max(j.ef, ask));
  const q = new Array<number>(j.dim);
  for (let i = j.from; i < j.to; i++) {
    for (let d = 0, o = i * j.dim; d < j.dim; d++) q[d] = j.vectors[o + d]!;
    const r = ask > 0 ? ix.searchKnn(q, ask) : { neighbors: [] as number[], distances: [] as number[] };
    const base = i * j.want;
    let c = 0;
    for (let t = 0; t < r.neighbors.length && c < j.want; t++) {
      const label = r.neighbors[t]!;
      const row = label < j.rowOf.length ? j.rowOf[label]! : -1;
      if (row < 0 || row === i) continue;
      j.candNbr[base + c] = row;
      j.candSim[base + c] = (1 - r.distances[t]!) * j.norms[row]!; // = dot(query row, stored row as clustered)
      c++;
    }
    for (; c < j.want; c++) {
      j.candNbr[base + c] = -1;
      j.candSim[base + c] = -Infinity;
    }
  }
}

parentPort?.on('message', (job: IndexSearchJob) => {
  try {
    run(job);
    parentPort!.postMessage({ ok: true });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
