// Engine (cluster): the k-nearest-neighbour graph of unit embeddings, from an hnswlib-node HNSW index.
import hnswlib from 'hnswlib-node';
import { pcaBasis, projectRow } from './project.js';

export const knnOptions = {
  /** Neighbours kept per face. */
  k: 24,
  /** HNSW graph degree and build/search beam widths: recall ~0.98 on face embeddings at these settings. */
  m: 12,
  efConstruction: 64,
  efSearch: 32,
  seed: 100,
  /**
   * Libraries with at least this many faces search a PCA projection to `projectDim` dimensions for 2k candidates
   * and re-rank them exactly (see [Note: projected kNN]); smaller ones search the full embeddings.
   */
  projectFrom: 5000,
  projectDim: 128,
};
export type KnnOptions = typeof knnOptions;

/**
 * Row i holds the neighbours of face i (indices into the input, not database ids), nearest first, without i
 * itself; sims are cosine similarities (dot products of unit vectors), -Infinity where a row has fewer than k.
 */
export interface KnnGraph {
  n: number;
  k: number;
  nbr: Int32Array; // n * k, -1 for missing
  sim: Float32Array; // n * k
}

/** Builds the kNN graph of `n` unit rows of `vectors` (n * dim floats) with a fresh HNSW index. */
export function buildKnnGraph(vectors: Float32Array, n: number, dim: number, opts: Partial<KnnOptions> = {}): KnnGraph {
  const o = { ...knnOptions, ...opts };
  const k = Math.max(1, Math.min(o.k, n - 1));
  const nbr = new Int32Array(n * k).fill(-1);
  const sim = new Float32Array(n * k).fill(-Infinity);
  if (n < 2) return { n, k, nbr, sim };
  const project = n >= o.projectFrom && o.projectDim > 0 && o.projectDim < dim && dim % 4 === 0;
  const p = project ? o.projectDim : dim;
  const basis = project ? pcaBasis(vectors, n, dim, p) : undefined;
  const row = (i: number): number[] =>
    basis
      ? projectRow(vectors, i, dim, basis, p, new Array<number>(p))
      : Array.from(vectors.subarray(i * dim, (i + 1) * dim));
  const index = new hnswlib.HierarchicalNSW('ip', p);
  index.initIndex({ maxElements: n, m: o.m, efConstruction: o.efConstruction, randomSeed: o.seed });
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    rows[i] = row(i);
    index.addPoint(rows[i]!, i);
  }
  const want = Math.min(n, project ? 2 * k + 1 : k + 1);
  index.setEf(Math.max(o.efSearch, want));
  for (let i = 0; i < n; i++) {
    const r = index.searchKnn(rows[i]!, want);
    // exact similarities (re-ranking the projected candidates)
    const dists = project ? r.neighbors.map((j) => 1 - dot(vectors, i, j, dim)) : r.distances;
    fillRow(i, r.neighbors, dists, k, nbr, sim);
  }
  return { n, k, nbr, sim };
}

/** Writes one search result into row i, dropping the face itself and sorting nearest first (ties by index). */
export function fillRow(
  i: number,
  labels: number[],
  dists: number[],
  k: number,
  nbr: Int32Array,
  sim: Float32Array,
): void {
  const order = labels.map((_, j) => j).filter((j) => labels[j] !== i);
  order.sort((a, b) => dists[a]! - dists[b]! || labels[a]! - labels[b]!);
  for (let j = 0; j < Math.min(k, order.length); j++) {
    nbr[i * k + j] = labels[order[j]!]!;
    sim[i * k + j] = 1 - dists[order[j]!]!;
  }
}

/** Exact kNN by brute force: the reference the HNSW graph is tested against, and fine for small libraries. */
/**
 * The graph from several candidate lists of `want` neighbours per row (one per shard or worker, -1 where a list ran
 * short): each row keeps its `k` most similar candidates over all the lists.
 */
export function mergeCandidates(
  n: number,
  k: number,
  want: number,
  lists: readonly { nbr: Int32Array; sim: Float32Array }[],
): KnnGraph {
  const nbr = new Int32Array(n * k).fill(-1);
  const sim = new Float32Array(n * k).fill(-Infinity);
  const labels: number[] = [];
  const dists: number[] = [];
  for (let i = 0; i < n; i++) {
    labels.length = 0;
    dists.length = 0;
    for (const c of lists) {
      for (let j = 0; j < want; j++) {
        const t = c.nbr[i * want + j]!;
        if (t < 0) continue;
        labels.push(t);
        dists.push(1 - c.sim[i * want + j]!);
      }
    }
    fillRow(i, labels, dists, k, nbr, sim);
  }
  return { n, k, nbr, sim };
}

export function exactKnnGraph(vectors: Float32Array, n: number, dim: number, k0: number): KnnGraph {
  const k = Math.max(1, Math.min(k0, n - 1));
  const nbr = new Int32Array(n * k).fill(-1);
  const sim = new Float32Array(n * k).fill(-Infinity);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) s[j] = j === i ? -Infinity : dot(vectors, i, j, dim);
    const order = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    order.sort((a, b) => s[b]! - s[a]! || a - b);
    for (let j = 0; j < Math.min(k, order.length); j++) {
      nbr[i * k + j] = order[j]!;
      sim[i * k + j] = s[order[j]!]!;
    }
  }
  return { n, k, nbr, sim };
}

export function dot(v: Float32Array, i: number, j: number, dim: number): number {
  let s = 0;
  const a = i * dim;
  const b = j * dim;
  for (let d = 0; d < dim; d++) s += v[a + d]! * v[b + d]!;
  return s;
}
