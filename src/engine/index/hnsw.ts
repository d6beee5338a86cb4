// Engine (index): the HNSW index (hnswlib-node) over the active head's face embeddings, persisted beside the database.
import hnswlib from 'hnswlib-node';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { Db } from '../store/db.js';
import { FaceStore, FEATURE_DIM, type EmbeddingFingerprint } from '../store/faces.js';

/**
 * [Note: HNSW parameters] Chosen with bench/hnsw.ts on real face embeddings: the 1,403 faces of celeba-wild, and
 * those grown to 50,000 with noisy copies (cosine ~0.6 to their source, like other photos of the same person),
 * recall@10 against exact search over 200 queries, 2-core VM under load:
 *   M=8  efC=200 ef=128: 0.853   M=16 efC=200 ef=64: 0.978   M=32 efC=100 ef=32: 0.999   M=32 efC=100 ef=64: 1.000
 * M=32 built as fast as M=16 at efC=200 (~60 s for 50k) and its queries stay under 0.4 ms (p50); on the 1,403 real
 * faces alone every setting with ef >= 32 is >= 0.997. Inner product on unit vectors is cosine similarity
 * (similarity = 1 - distance). `ef` is raised to k for queries asking for more neighbours than ef.
 *
 * [Note: HNSW at a million faces] bench/hnsw.ts --synthetic 30000 --n 1000000 (identities with celeba's spread,
 * 200 queries, one core each; "match recall" counts only exact neighbours at cosine >= 0.3, the ones that could
 * be the same person):
 *   M=32 efC=100: build 2,212 s, index 2,217 MB; ef 32/64/128/256: match recall 0.874/0.920/0.948/0.969,
 *                 p50 0.68/0.96/1.97/3.66 ms, p99 1.43/2.04/4.37/6.39 ms
 *   M=16 efC=200: build 2,096 s, index 2,095 MB; ef 32/64/128/256: match recall 0.790/0.874/0.930/0.962,
 *                 p50 0.43/0.69/1.21/2.24 ms
 *   150k faces (4,500 identities), M=32 efC=100: build 207 s, index 332 MB; ef 32/64/128: match recall
 *                 0.990/0.996/0.996, p50 0.39/0.68/1.33 ms
 * M=32/efC=100 stays the default: better recall at every ef for 6% more memory and the same build time. Recall
 * falls with size at a fixed ef, so from `largeFrom` faces queries use `largeEf` (128): +3 points of match recall
 * for ~1 ms more per query; at 150k ef 128 gains nothing over 64. The switch point between the two measured
 * sizes is a judgement.
 */
export const indexOptions = {
  m: 32,
  efConstruction: 100,
  ef: 64,
  /** From this many faces on, queries search with `largeEf` instead (see [Note: HNSW at a million faces]). */
  largeFrom: 400_000,
  largeEf: 128,
  /** Capacity headroom: the index grows by this factor when full. */
  growth: 1.5,
  minCapacity: 1024,
  seed: 100,
};
export type IndexOptions = typeof indexOptions;

/** What the JSON beside the index file records, to tell whether the index still matches the database. */
export interface IndexMeta extends EmbeddingFingerprint {
  format: 1;
  headId: number;
  dim: number;
  space: 'ip';
  m: number;
  efConstruction: number;
}

export type OpenReason = 'loaded' | 'caught-up' | 'missing' | 'unreadable' | 'other-head' | 'stale' | 'params';

export interface Neighbour {
  faceId: number;
  similarity: number;
}

/** The kNN graph of every indexed face: row i is face ids[i]; nbr holds row indices (-1 where missing). */
export interface FaceKnnGraph {
  ids: Int32Array;
  n: number;
  k: number;
  nbr: Int32Array;
  sim: Float32Array;
}

/** `library.db` -> `library.hnsw` (and `library.hnsw.json`), in the database's folder. */
export function indexPathFor(dbPath: string): string {
  return join(dirname(dbPath), `${basename(dbPath).replace(/\.[^.]*$/, '')}.hnsw`);
}

/**
 * [Note: index staleness] SQLite is the source of truth; the index is a cache. Its JSON records the head it was
 * built from and the fingerprint (count, sum and max of face ids) of the embeddings it holds. On open: missing,
 * unreadable, another head or other build parameters -> rebuild; the same fingerprint -> load; the database's
 * faces up to the recorded max id still match -> load and add the newer faces (the usual state after a crash or
 * kill mid-import, since faces only get larger ids); anything else -> rebuild. Deleted faces are marked deleted
 * (hnswlib skips them in searches) and their labels may be revived if SQLite reuses the id.
 */
export class FaceIndex {
  #ix: hnswlib.HierarchicalNSW;
  #fp: EmbeddingFingerprint;
  #dirty = false;
  readonly #faces: FaceStore;

  private constructor(
    readonly path: string | undefined,
    readonly headId: number,
    readonly opts: IndexOptions,
    ix: hnswlib.HierarchicalNSW,
    fp: EmbeddingFingerprint,
    faces: FaceStore,
    /** Why the index was loaded or rebuilt on open. */
    readonly openedBecause: OpenReason,
  ) {
    this.#ix = ix;
    this.#fp = fp;
    this.#faces = faces;
    ix.setEf(opts.ef);
  }

  /** Opens the index at `path` (undefined: in memory only), rebuilding it from SQLite when missing or stale. */
  static open(db: Db, path: string | undefined, headId: number, opts: Partial<IndexOptions> = {}): FaceIndex {
    const o = { ...indexOptions, ...opts };
    const faces = new FaceStore(db);
    const want = faces.fingerprint(headId);
    let reason: OpenReason = 'missing';
    if (path && existsSync(path) && existsSync(`${path}.json`)) {
      const meta = readMeta(`${path}.json`);
      if (!meta) reason = 'unreadable';
      else if (meta.headId !== headId) reason = 'other-head';
      else if (meta.dim !== FEATURE_DIM || meta.m !== o.m || meta.efConstruction !== o.efConstruction)
        reason = 'params';
      else {
        const same = sameFp(meta, want);
        const prefix = !same && sameFp(meta, faces.fingerprint(headId, meta.maxId));
        if (same || prefix) {
          const ix = new hnswlib.HierarchicalNSW('ip', FEATURE_DIM);
          try {
            ix.readIndexSync(path);
            if (ix.getNumDimensions() !== FEATURE_DIM || ix.getCurrentCount() < meta.count)
              throw new Error('index file does not match its meta');
            const fi = new FaceIndex(
              path,
              headId,
              o,
              ix,
              { count: meta.count, idSum: meta.idSum, maxId: meta.maxId },
              faces,
              same ? 'loaded' : 'caught-up',
            );
            if (prefix) {
              for (const { faceId, vec } of faces.embeddings(headId, meta.maxId)) fi.add(faceId, vec);
            }
            return fi;
          } catch {
            reason = 'unreadable';
          }
        } else reason = 'stale';
      }
    }
    const fi = FaceIndex.build(db, path, headId, o, reason);
    return fi;
  }

  /** A fresh index of every embedding of the head (marked dirty: save() writes it). */
  static build(
    db: Db,
    path: string | undefined,
    headId: number,
    opts: Partial<IndexOptions> = {},
    reason: OpenReason = 'missing',
  ): FaceIndex {
    const o = { ...indexOptions, ...opts };
    const faces = new FaceStore(db);
    const fp = faces.fingerprint(headId);
    const ix = new hnswlib.HierarchicalNSW('ip', FEATURE_DIM);
    ix.initIndex({
      maxElements: Math.max(o.minCapacity, Math.ceil(fp.count * o.growth)),
      m: o.m,
      efConstruction: o.efConstruction,
      randomSeed: o.seed,
    });
    const fi = new FaceIndex(path, headId, o, ix, { count: 0, idSum: 0, maxId: 0 }, faces, reason);
    for (const { faceId, vec } of faces.embeddings(headId)) fi.add(faceId, vec);
    fi.#dirty = true;
    return fi;
  }

  /** Live (not deleted) faces in the index. */
  get size(): number {
    return this.#fp.count;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  /** Adds a new face's unit embedding (the face must not be in the index yet). */
  add(faceId: number, vec: Float32Array): void {
    if (vec.length !== FEATURE_DIM)
      throw new Error(`embedding of face ${faceId} has ${vec.length} values, expected ${FEATURE_DIM}`);
    if (this.#ix.getCurrentCount() >= this.#ix.getMaxElements()) {
      this.#ix.resizeIndex(Math.ceil(Math.max(this.opts.minCapacity, this.#ix.getMaxElements() * this.opts.growth)));
    }
    this.#ix.addPoint(Array.from(vec), faceId);
    this.#fp = { count: this.#fp.count + 1, idSum: this.#fp.idSum + faceId, maxId: Math.max(this.#fp.maxId, faceId) };
    this.#dirty = true;
  }

  /** Marks a face deleted (it stops appearing in searches). Unknown ids are ignored. */
  remove(faceId: number): void {
    try {
      this.#ix.markDelete(faceId);
    } catch {
      return; // not in the index (never added, or already deleted)
    }
    // [Note: index staleness] maxId stays: it bounds the ids the fingerprint was taken over.
    this.#fp = { count: this.#fp.count - 1, idSum: this.#fp.idSum - faceId, maxId: this.#fp.maxId };
    this.#dirty = true;
  }

  /** The ef queries use at the index's current size (see [Note: HNSW at a million faces]). */
  get searchEf(): number {
    return this.#fp.count >= this.opts.largeFrom ? Math.max(this.opts.ef, this.opts.largeEf) : this.opts.ef;
  }

  /** The k faces most similar to `vec`, most similar first; `exclude` drops one face id (the query face). */
  search(vec: Float32Array | readonly number[], k: number, exclude?: number): Neighbour[] {
    const want = Math.min(k + (exclude === undefined ? 0 : 1), this.#fp.count, this.#ix.getMaxElements());
    if (want <= 0) return [];
    this.#ix.setEf(Math.max(this.searchEf, want));
    const r = this.#ix.searchKnn(Array.from(vec), want);
    const out: Neighbour[] = [];
    r.neighbors.forEach((id, i) => {
      if (id !== exclude) out.push({ faceId: id, similarity: 1 - r.distances[i]! });
    });
    out.sort((a, b) => b.similarity - a.similarity || a.faceId - b.faceId);
    return out.slice(0, k);
  }

  /** Neighbours of many query vectors at once (each row of `vectors`, `dim` floats), k per query. */
  searchMany(vectors: Float32Array, k: number, excludeIds?: Int32Array): Neighbour[][] {
    const n = vectors.length / FEATURE_DIM;
    const out: Neighbour[][] = [];
    for (let i = 0; i < n; i++)
      out.push(this.search(vectors.subarray(i * FEATURE_DIM, (i + 1) * FEATURE_DIM), k, excludeIds?.[i]));
    return out;
  }

  /**
   * The k-nearest-neighbour graph of every indexed face, for clustering: ids (ascending face ids, read from SQLite),
   * and per row the k nearest other faces as row indices with their cosine similarities, most similar first.
   * One HNSW query per face: about n * (ef-bounded) work, ~1-2 ms per face at 512-D on one core.
   */
  knnGraph(k: number): FaceKnnGraph {
    // Vectors are streamed from SQLite one at a time: at 1M faces holding them all would take 2 GB.
    const ids = this.#faces.embeddingIds(this.headId);
    const n = ids.length;
    const kk = Math.max(1, Math.min(k, n - 1));
    const rowOf = new Map<number, number>();
    ids.forEach((id, i) => rowOf.set(id, i));
    const nbr = new Int32Array(n * kk).fill(-1);
    const sim = new Float32Array(n * kk).fill(-Infinity);
    let i = 0;
    for (const r of this.#faces.embeddings(this.headId)) {
      let j = 0;
      for (const f of this.search(r.vec, kk, r.faceId)) {
        const row = rowOf.get(f.faceId);
        if (row === undefined || j >= kk) continue;
        nbr[i * kk + j] = row;
        sim[i * kk + j] = f.similarity;
        j++;
      }
      i++;
    }
    return { ids, n, k: kk, nbr, sim };
  }

  /** Writes the index and its meta atomically (temp files, then rename) when anything changed. */
  save(): void {
    if (!this.path || !this.#dirty) return;
    const meta: IndexMeta = {
      format: 1,
      headId: this.headId,
      dim: FEATURE_DIM,
      space: 'ip',
      m: this.opts.m,
      efConstruction: this.opts.efConstruction,
      ...this.#fp,
    };
    rmSync(`${this.path}.json`, { force: true }); // no meta = no index, should we die between the two renames
    const tmp = `${this.path}.tmp-${process.pid}`;
    this.#ix.writeIndexSync(tmp);
    renameSync(tmp, this.path);
    writeFileSync(`${this.path}.json.tmp-${process.pid}`, JSON.stringify(meta));
    renameSync(`${this.path}.json.tmp-${process.pid}`, `${this.path}.json`);
    this.#dirty = false;
  }

  fingerprint(): EmbeddingFingerprint {
    return { ...this.#fp };
  }
}

function readMeta(path: string): IndexMeta | undefined {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as IndexMeta;
    if (m.format !== 1 || typeof m.headId !== 'number' || typeof m.count !== 'number') return undefined;
    return m;
  } catch {
    return undefined;
  }
}

function sameFp(a: EmbeddingFingerprint, b: EmbeddingFingerprint): boolean {
  return a.count === b.count && a.idSum === b.idSum && (a.count === 0 || b.maxId <= a.maxId);
}
