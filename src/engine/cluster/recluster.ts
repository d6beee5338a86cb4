// Engine (cluster): a full re-cluster of the library: load faces, build the kNN graph, cluster, plan, preview or apply.
import { indexPathFor } from '../index/hnsw.js';
import type { Db } from '../store/db.js';
import { algorithmByName, DEFAULT_ALGORITHM, loadFor } from './algorithms.js';
import { buildKnnGraph, type KnnGraph, type KnnOptions } from './knn.js';
import { freshIndexFiles, knnFromIndex, knnIndexOptions } from './knn-index.js';
import { buildKnnGraphParallel } from './knn-parallel.js';
import { attachRule } from './linkage.js';
import { dissolveJunk } from './junk.js';
import { loadFaces, loadOptions, type LoadedFaces } from './load.js';
import { applyPlan, planRecluster, type ReclusterPlan } from './plan.js';

export interface ReclusterOptions {
  algorithm?: string;
  /** Overrides of the algorithm's options object (thresholds). */
  options?: Record<string, number>;
  knn?: Partial<KnnOptions>;
  minQuality?: number;
  /**
   * Mean cosine a low-quality face needs to a planned person to join it; default: what the linkage asks of a
   * single face joining a group of that size (see [Note: small groups]).
   */
  attachThreshold?: number;
}

export interface ReclusterAsyncOptions extends ReclusterOptions {
  preview?: boolean;
  workers?: number;
  /**
   * Where the kNN graph comes from: 'auto' searches the library's saved HNSW index when it is up to date and
   * the library is large enough (see [Note: kNN from the index]), else builds it; 'build' always builds.
   */
  knnSource?: 'auto' | 'build';
  /** The library's HNSW index (default: beside the database file). */
  indexPath?: string;
}

export interface ReclusterResult {
  plan: ReclusterPlan;
  faces: number;
  gated: number;
  clusters: number;
  /** Groups of unidentifiable faces left unknown (see [Note: junk groups]). */
  junkGroups: number;
  ms: { load: number; knn: number; cluster: number; plan: number; apply?: number };
  /** Where the kNN graph came from: the saved HNSW index, or built for this run. */
  knnFrom: 'index' | 'built';
  applied?: { people: number; unknown: number };
}

/** Clusters every face that passes the quality gate and plans the change; applies it unless `preview`. */
export function recluster(db: Db, opts: ReclusterOptions & { preview?: boolean } = {}): ReclusterResult {
  const t = performance.now();
  const loaded = loadFaces(db, loadFor(opts.algorithm, opts.minQuality ?? loadOptions.minQuality));
  const load = performance.now() - t;
  const graph = buildKnnGraph(loaded.input.vectors, loaded.input.n, loaded.input.dim || 1, opts.knn);
  return reclusterLoaded(db, loaded, graph, opts, load, performance.now() - t - load, 'built');
}

/**
 * The same, with the kNN graph of a large library built on worker threads (see [Note: parallel kNN]): the
 * heavy part leaves the calling thread, which stays free for other work while it waits.
 */
export async function reclusterAsync(db: Db, opts: ReclusterAsyncOptions = {}): Promise<ReclusterResult> {
  const t = performance.now();
  const loaded = loadFaces(db, loadFor(opts.algorithm, opts.minQuality ?? loadOptions.minQuality));
  const load = performance.now() - t;
  const { n, dim, vectors } = loaded.input;
  const indexPath = opts.indexPath ?? (db.memory ? undefined : indexPathFor(db.name));
  const files =
    opts.knnSource !== 'build' && n >= knnIndexOptions.minFaces && indexPath
      ? freshIndexFiles(db, indexPath, loaded.headId)
      : undefined;
  const workers = opts.workers !== undefined ? { workers: opts.workers } : {};
  const graph = files
    ? await knnFromIndex(files, loaded.faceIds, vectors, n, dim, {
        ...(opts.knn?.k !== undefined ? { k: opts.knn.k } : {}),
        ...workers,
      })
    : await buildKnnGraphParallel(vectors, n, dim || 1, { ...opts.knn, ...workers });
  return reclusterLoaded(db, loaded, graph, opts, load, performance.now() - t - load, files ? 'index' : 'built');
}

/**
 * The clustering, junk and plan steps on faces already loaded and their kNN graph (benches that score many
 * settings on one library build the graph once and call this for each).
 */
export function reclusterLoaded(
  db: Db,
  loaded: LoadedFaces,
  graph: KnnGraph,
  opts: ReclusterOptions & { preview?: boolean },
  load = 0,
  knn = 0,
  knnFrom: 'index' | 'built' = 'built',
): ReclusterResult {
  const algo = algorithmByName(opts.algorithm ?? DEFAULT_ALGORITHM);
  let t = performance.now();
  const clustering = algo.run(loaded.input, graph, opts.options);
  const junk = dissolveJunk(loaded.input, loaded.low, clustering);
  const cluster = performance.now() - t;
  t = performance.now();
  const plan = planRecluster(db, loaded, clustering, opts.attachThreshold ?? attachRule());
  const planMs = performance.now() - t;
  const result: ReclusterResult = {
    plan,
    faces: loaded.input.n,
    gated: loaded.gated,
    clusters: clustering.clusters - junk,
    junkGroups: junk,
    ms: { load: Math.round(load), knn: Math.round(knn), cluster: Math.round(cluster), plan: Math.round(planMs) },
    knnFrom,
  };
  if (!opts.preview) {
    t = performance.now();
    result.applied = applyPlan(db, plan, `Re-cluster faces (${algo.name})`);
    result.ms.apply = Math.round(performance.now() - t);
  }
  return result;
}
