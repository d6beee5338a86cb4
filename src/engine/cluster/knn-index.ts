// Engine (cluster): the clustering kNN graph from the library's persisted HNSW index, searched on worker threads.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { siblingModule, spawnModuleWorker } from '../compute/worker.js';
import { shardPath, type IndexMeta } from '../index/hnsw.js';
import type { Db } from '../store/db.js';
import { FaceStore, FEATURE_DIM } from '../store/faces.js';
import { knnOptions, mergeCandidates, type KnnGraph } from './knn.js';
import type { IndexSearchJob } from './knn-index-worker.js';

export const knnIndexOptions = {
  /** Below this many faces the graph is built as before (exactly enough, and in well under a second). */
  minFaces: knnOptions.projectFrom,
  /** Neighbours asked of each shard beyond k: faces outside the clustering (low quality) take some of the places. */
  extra: 8,
  /**
   * Beam width of each search (raised to what is asked). 50k synthetic faces (celeba's spread), 2 workers, 300
   * rows against exact search: ef 40 recall@24 0.967 in 25 CPU s, ef 64 0.970 in 35 CPU s (the projected graph
   * built instead: 0.765 in 20 CPU s; loaded machine, so CPU seconds).
   */
  ef: 40,
  workers: Math.max(1, Math.min(4, availableParallelism())),
};
export type KnnIndexOptions = typeof knnIndexOptions;

/**
 * The index files when, and only when, they hold exactly the head's embeddings now: same head, same vectors
 * (dimension), and every shard's fingerprint equal to the database's (see [Note: index staleness]). Anything
 * else (no index yet, a kill mid-save, faces added since) answers undefined and the caller builds its graph.
 */
export function freshIndexFiles(db: Db, indexPath: string, headId: number): string[] | undefined {
  let meta: IndexMeta;
  try {
    meta = JSON.parse(readFileSync(`${indexPath}.json`, 'utf8')) as IndexMeta;
  } catch {
    return undefined;
  }
  if (meta.headId !== headId || meta.dim !== FEATURE_DIM || meta.space !== 'ip') return undefined;
  const recorded = meta.format === 2 ? meta.shards : [{ count: meta.count, idSum: meta.idSum, maxId: meta.maxId }];
  if (!Array.isArray(recorded) || recorded.length === 0) return undefined;
  const now = new FaceStore(db).shardFingerprints(headId, recorded.length);
  const files = recorded.map((_, i) => shardPath(indexPath, i));
  const same = recorded.every((fp, i) => fp && fp.count === now[i]!.count && fp.idSum === now[i]!.idSum);
  return same && files.every((f) => existsSync(f)) ? files : undefined;
}

/**
 * [Note: kNN from the index] The library's HNSW index already holds every face of the active head, at full
 * dimension. Instead of projecting and indexing the faces again, worker threads load its shard files and search
 * each clustered face in them; a worker takes one shard and a range of faces (with one shard and two cores, two
 * workers each load it and take half the faces). Neighbours outside the clustering (faces the quality gate left
 * out) are dropped, which is why each search asks for `extra` more; each row keeps the k best over all shards.
 * Similarities are the index's own inner products of the stored unit vectors, times the neighbour's length when
 * the clustering scales its faces by quality ([Note: quality-aware similarity]; the query carries its own): the
 * same dot products the clustering takes, exact, nothing to re-rank.
 */
export async function knnFromIndex(
  files: string[],
  faceIds: Int32Array,
  vectors: Float32Array,
  n: number,
  dim: number,
  opts: Partial<KnnIndexOptions & { k: number }> = {},
): Promise<KnnGraph> {
  const o = { ...knnIndexOptions, k: knnOptions.k, ...opts };
  const k = Math.max(1, Math.min(o.k, n - 1));
  const shared = <T>(make: (b: SharedArrayBuffer) => T, bytes: number) => make(new SharedArrayBuffer(bytes));
  let sv = vectors;
  if (!(vectors.buffer instanceof SharedArrayBuffer)) {
    sv = shared((b) => new Float32Array(b), n * dim * 4);
    sv.set(vectors.subarray(0, n * dim));
  }
  const norms = shared((b) => new Float32Array(b), n * 4);
  let spread = 0;
  for (let i = 0; i < n; i++) {
    let s2 = 0;
    for (let d = i * dim, e = d + dim; d < e; d++) s2 += sv[d]! * sv[d]!;
    norms[i] = Math.sqrt(s2);
    spread = Math.max(spread, Math.abs(norms[i]! - norms[0]!));
  }
  // The index ranks by cosine; when the rows' lengths differ, the k best by the clustering's measure can sit a little
  // further down its list, so each search asks for k more and the merge keeps the k best.
  const want = k + o.extra + (spread > 1e-3 ? k : 0);
  let maxId = 0;
  for (let i = 0; i < n; i++) maxId = Math.max(maxId, faceIds[i]!);
  const rowOf = shared((b) => new Int32Array(b), (maxId + 1) * 4).fill(-1);
  for (let i = 0; i < n; i++) rowOf[faceIds[i]!] = i;
  // Jobs: every shard, its faces split so that all workers have one (one shard on two cores: two halves).
  const parts = Math.max(1, Math.ceil(o.workers / files.length));
  const jobs: IndexSearchJob[] = [];
  const cand = files.map(() => ({
    nbr: shared((b) => new Int32Array(b), n * want * 4),
    sim: shared((b) => new Float32Array(b), n * want * 4),
  }));
  files.forEach((file, s) => {
    for (let p = 0; p < parts; p++)
      jobs.push({
        file,
        dim,
        vectors: sv,
        norms,
        rowOf,
        from: Math.floor((p * n) / parts),
        to: Math.floor(((p + 1) * n) / parts),
        want,
        ef: o.ef,
        candNbr: cand[s]!.nbr,
        candSim: cand[s]!.sim,
      });
  });
  const workers: Worker[] = Array.from({ length: Math.min(o.workers, jobs.length) }, () =>
    spawnModuleWorker(siblingModule(import.meta.url, 'knn-index-worker')),
  );
  try {
    let next = 0;
    await Promise.all(
      workers.map(async (w) => {
        for (let j = next++; j < jobs.length; j = next++) {
          await new Promise<void>((resolve, reject) => {
            const onError = (err: Error) => reject(err);
            w.once('error', onError);
            w.once('message', (m: { ok: boolean; error?: string }) => {
              w.off('error', onError);
              if (m.ok) resolve();
              else reject(new Error(`kNN search worker: ${m.error}`));
            });
            w.postMessage(jobs[j]);
          });
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return mergeCandidates(n, k, want, cand);
}
