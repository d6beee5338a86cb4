// Engine (index): the HNSW index (hnswlib-node) over the active head's face embeddings, persisted beside the database.
import hnswlib from 'hnswlib-node';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, basename, join } from 'node:path';
import type { Db } from '../store/db.js';
import { FaceStore, FEATURE_DIM, type EmbeddingFingerprint } from '../store/faces.js';
import { buildShardsSync, type ShardInput, type ShardJob } from './shard-build.js';

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
  /** Search beam width per shard. */
  ef: 64,
  /** From this many faces on, queries search with `largeEf` instead (see [Note: HNSW at a million faces]). */
  largeFrom: 400_000,
  largeEf: 128,
  /** Capacity headroom: a shard grows by this factor when full. */
  growth: 1.5,
  minCapacity: 1024,
  seed: 100,
  /**
   * A rebuild makes one shard per `shardFaces` faces (at least 1), at most `maxShards` and at most one per core
   * (see [Note: index shards]).
   */
  shardFaces: 100_000,
  maxShards: 4,
  /** Cores a rebuild may use (one shard per worker thread at a time). */
  buildWorkers: availableParallelism(),
};
export type IndexOptions = typeof indexOptions;

/** What the JSON beside the index files records, to tell whether each shard still matches the database. */
export interface IndexMeta extends EmbeddingFingerprint {
  /** 1: one file, its fingerprint the totals; 2: `shards` files, each with its own fingerprint. */
  format: 1 | 2;
  headId: number;
  dim: number;
  space: 'ip';
  m: number;
  efConstruction: number;
  /** Per shard: its fingerprint, or null while its file is being replaced (the shard is then rebuilt). */
  shards?: (EmbeddingFingerprint | null)[];
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

/** The file of shard `i` of the index at `path`: the first is `path` itself (a one-shard index is one file). */
export function shardPath(path: string, i: number): string {
  return i === 0 ? path : `${path}.${i}`;
}

/** Shards a rebuild of `n` faces makes (see [Note: index shards]). */
export function shardsFor(n: number, o: IndexOptions = indexOptions): number {
  return Math.max(1, Math.min(Math.floor(n / o.shardFaces), o.maxShards, Math.max(1, o.buildWorkers)));
}

interface Shard {
  ix: hnswlib.HierarchicalNSW;
  fp: EmbeddingFingerprint;
  /** The in-memory shard differs from its file. */
  dirty: boolean;
}

/**
 * [Note: index staleness] SQLite is the source of truth; the index is a cache. Its JSON records the head it was
 * built from and, per shard, the fingerprint (count, sum and max of face ids) of the embeddings it holds. On open:
 * missing or unreadable meta, another head or other build parameters -> rebuild; per shard, the same fingerprint
 * -> load; the database's faces of that shard up to the recorded max id still match -> load and add the newer
 * faces (the usual state after a crash or kill mid-import, since faces only get larger ids); anything else ->
 * rebuild that shard. Deleted faces are marked deleted (hnswlib skips them in searches) and their labels may be
 * revived if SQLite reuses the id.
 *
 * [Note: index shards] A face lives in shard (face id modulo the shard count), fixed when the index is built. A
 * query searches every shard with the same beam and merges. Shards exist so that a rebuild uses every core (see
 * [Note: parallel index build]); each is one file, saved only when it changed, and checked and caught up on its
 * own, so a kill mid-save or a stale shard costs a rebuild of that shard only. Small libraries keep one shard
 * (one search per query); see [Note: HNSW at a million faces] for the counts and beams chosen.
 */
export class FaceIndex {
  #shards: Shard[];
  #metaDirty = false;
  readonly #faces: FaceStore;

  private constructor(
    readonly path: string | undefined,
    readonly headId: number,
    readonly opts: IndexOptions,
    shards: Shard[],
    faces: FaceStore,
    /** Why each shard was loaded, caught up or rebuilt on open. */
    readonly shardReasons: readonly OpenReason[],
  ) {
    this.#shards = shards;
    this.#faces = faces;
  }

  /** Opens the index at `path` (undefined: in memory only), rebuilding what is missing or stale from SQLite. */
  static open(db: Db, path: string | undefined, headId: number, opts: Partial<IndexOptions> = {}): FaceIndex {
    const o = { ...indexOptions, ...opts };
    const faces = new FaceStore(db);
    let reason: OpenReason = 'missing';
    const meta = path && existsSync(`${path}.json`) ? readMeta(`${path}.json`) : undefined;
    if (path && existsSync(`${path}.json`) && !meta) reason = 'unreadable';
    else if (path && meta) {
      if (meta.headId !== headId) reason = 'other-head';
      else if (meta.dim !== FEATURE_DIM || meta.m !== o.m || meta.efConstruction !== o.efConstruction)
        reason = 'params';
      else return FaceIndex.#openShards(db, path, headId, o, meta, faces);
    }
    return FaceIndex.build(db, path, headId, o, reason);
  }

  /** Loads, catches up or rebuilds each shard named by `meta`. */
  static #openShards(
    db: Db,
    path: string,
    headId: number,
    o: IndexOptions,
    meta: IndexMeta,
    faces: FaceStore,
  ): FaceIndex {
    const recorded = meta.shards ?? [{ count: meta.count, idSum: meta.idSum, maxId: meta.maxId }];
    const n = recorded.length;
    const want = faces.shardFingerprints(headId, n);
    const shards: (Shard | undefined)[] = new Array<Shard | undefined>(n).fill(undefined);
    const reasons: OpenReason[] = [];
    for (let i = 0; i < n; i++) {
      const fp = recorded[i];
      const file = shardPath(path, i);
      let r: OpenReason = 'loaded';
      if (!fp) r = 'unreadable';
      else if (!existsSync(file)) r = 'missing';
      else {
        const same = sameFp(fp, want[i]!);
        const prefix = !same && sameFp(fp, faces.shardFingerprints(headId, n, fp.maxId)[i]!);
        if (!same && !prefix) r = 'stale';
        else {
          try {
            const ix = new hnswlib.HierarchicalNSW('ip', FEATURE_DIM);
            ix.readIndexSync(file);
            if (ix.getNumDimensions() !== FEATURE_DIM || ix.getCurrentCount() < fp.count)
              throw new Error('index file does not match its meta');
            const shard: Shard = { ix, fp: { ...fp }, dirty: false };
            if (prefix) {
              r = 'caught-up';
              for (const e of faces.shardEmbeddings(headId, n, i, fp.maxId)) addTo(shard, e.faceId, e.vec, o);
            }
            shards[i] = shard;
          } catch {
            r = 'unreadable';
          }
        }
      }
      reasons.push(r);
    }
    const rebuild = [...shards.keys()].filter((i) => !shards[i]);
    if (rebuild.length) {
      for (const [i, s] of FaceIndex.#buildShards(faces, headId, n, rebuild, o, path)) shards[i] = s;
    }
    const fi = new FaceIndex(path, headId, o, shards as Shard[], faces, reasons);
    fi.#metaDirty = fi.openedBecause !== 'loaded' || meta.format !== 2;
    return fi;
  }

  /** A fresh index of every embedding of the head (dirty: save() writes what is not on disk yet). */
  static build(
    db: Db,
    path: string | undefined,
    headId: number,
    opts: Partial<IndexOptions> = {},
    reason: OpenReason = 'missing',
  ): FaceIndex {
    const o = { ...indexOptions, ...opts };
    const faces = new FaceStore(db);
    const n = shardsFor(faces.fingerprint(headId).count, o);
    // The old files go first: a kill mid-build then leaves no meta, and the next open rebuilds.
    if (path) rmSync(`${path}.json`, { force: true });
    const built = FaceIndex.#buildShards(
      faces,
      headId,
      n,
      Array.from({ length: n }, (_, i) => i),
      o,
      path,
    );
    const fi = new FaceIndex(
      path,
      headId,
      o,
      built.map(([, s]) => s),
      faces,
      built.map(() => reason),
    );
    fi.#metaDirty = true;
    return fi;
  }

  /**
   * Builds shards `which` of an `n`-shard index from SQLite. Two or more shards build on worker threads, each
   * written to its file at once (so they are clean); one builds on this thread and stays dirty until save().
   */
  static #buildShards(
    faces: FaceStore,
    headId: number,
    n: number,
    which: number[],
    o: IndexOptions,
    path: string | undefined,
  ): [number, Shard][] {
    const jobOf = (i: number, file: string): ShardJob => ({
      shard: i,
      shards: n,
      file,
      m: o.m,
      efConstruction: o.efConstruction,
      seed: o.seed,
      growth: o.growth,
      minCapacity: o.minCapacity,
    });
    if (which.length === 1) {
      const i = which[0]!;
      const ix = new hnswlib.HierarchicalNSW('ip', FEATURE_DIM);
      const fp = faces.shardFingerprints(headId, n)[i]!;
      ix.initIndex({
        maxElements: Math.max(o.minCapacity, Math.ceil(fp.count * o.growth)),
        m: o.m,
        efConstruction: o.efConstruction,
        randomSeed: o.seed,
      });
      const shard: Shard = { ix, fp: { count: 0, idSum: 0, maxId: 0 }, dirty: true };
      for (const e of faces.shardEmbeddings(headId, n, i)) addTo(shard, e.faceId, e.vec, o);
      return [[i, shard]];
    }
    // Every embedding of the shards to build, once, in shared memory the workers read.
    const total = faces.fingerprint(headId).count;
    const vectors = new Float32Array(new SharedArrayBuffer(total * FEATURE_DIM * 4));
    const labels = new Int32Array(new SharedArrayBuffer(total * 4));
    let rows = 0;
    const wanted = new Set(which);
    for (const e of faces.embeddings(headId)) {
      if (!wanted.has(e.faceId % n) || rows >= total) continue;
      vectors.set(e.vec, rows * FEATURE_DIM);
      labels[rows++] = e.faceId;
    }
    const input: ShardInput = { vectors, labels, n: rows, dim: FEATURE_DIM };
    const scratch = path ? undefined : mkdtempSync(join(tmpdir(), 'facelens-hnsw-'));
    const files = which.map((i) => (path ? `${shardPath(path, i)}.tmp-${process.pid}` : join(scratch!, `${i}.bin`)));
    try {
      const built = buildShardsSync(
        input,
        which.map((i, j) => jobOf(i, files[j]!)),
        { workers: o.buildWorkers },
      );
      return which.map((i, j) => {
        const ix = new hnswlib.HierarchicalNSW('ip', FEATURE_DIM);
        ix.readIndexSync(files[j]!);
        if (path) renameSync(files[j]!, shardPath(path, i)); // its meta entry is written by save()
        return [i, { ix, fp: built[j]!, dirty: !path }];
      });
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      else for (const f of files) rmSync(f, { force: true });
    }
  }

  /** Why the index was loaded or rebuilt on open: the most costly reason among its shards. */
  get openedBecause(): OpenReason {
    return REASONS.find((r) => this.shardReasons.includes(r)) ?? 'loaded';
  }

  /** Live (not deleted) faces in the index. */
  get size(): number {
    return this.#shards.reduce((a, s) => a + s.fp.count, 0);
  }

  /** Shards the index holds (see [Note: index shards]). */
  get shardCount(): number {
    return this.#shards.length;
  }

  get dirty(): boolean {
    return this.#metaDirty || this.#shards.some((s) => s.dirty);
  }

  #shardOf(faceId: number): Shard {
    return this.#shards[faceId % this.#shards.length]!;
  }

  /** Adds a new face's unit embedding (the face must not be in the index yet). */
  add(faceId: number, vec: Float32Array): void {
    addTo(this.#shardOf(faceId), faceId, vec, this.opts);
    this.#metaDirty = true;
  }

  /** Marks a face deleted (it stops appearing in searches). Unknown ids are ignored. */
  remove(faceId: number): void {
    const s = this.#shardOf(faceId);
    try {
      s.ix.markDelete(faceId);
    } catch {
      return; // not in the index (never added, or already deleted)
    }
    // [Note: index staleness] maxId stays: it bounds the ids the fingerprint was taken over.
    s.fp = { count: s.fp.count - 1, idSum: s.fp.idSum - faceId, maxId: s.fp.maxId };
    s.dirty = true;
    this.#metaDirty = true;
  }

  /** The ef each shard's search uses at the index's current size (see [Note: HNSW at a million faces]). */
  get searchEf(): number {
    return this.size >= this.opts.largeFrom ? Math.max(this.opts.ef, this.opts.largeEf) : this.opts.ef;
  }

  /** The k faces most similar to `vec`, most similar first; `exclude` drops one face id (the query face). */
  search(vec: Float32Array | readonly number[], k: number, exclude?: number): Neighbour[] {
    if (this.size === 0) return [];
    return searchShards(
      this.#shards.map((s) => ({ ix: s.ix, count: s.fp.count })),
      Array.from(vec),
      k,
      this.searchEf,
      exclude,
    );
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
   * One search per face on this thread (cluster/knn-index.ts runs the same on worker threads).
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

  /**
   * Writes what changed, atomically per shard: the meta first marks the shards about to be replaced as unknown,
   * then each goes to a temp file renamed over its own, then the meta records their fingerprints. A kill at any
   * point leaves every shard either recorded and whole, or marked for a rebuild.
   */
  save(): void {
    if (!this.path || !this.dirty) return;
    const path = this.path;
    const meta = (pending: Set<number>): IndexMeta => {
      const fps = this.#shards.map((s) => s.fp);
      return {
        format: 2,
        headId: this.headId,
        dim: FEATURE_DIM,
        space: 'ip',
        m: this.opts.m,
        efConstruction: this.opts.efConstruction,
        count: fps.reduce((a, f) => a + f.count, 0),
        idSum: fps.reduce((a, f) => a + f.idSum, 0),
        maxId: fps.reduce((a, f) => Math.max(a, f.maxId), 0),
        shards: fps.map((f, i) => (pending.has(i) ? null : { ...f })),
      };
    };
    const writeMeta = (m: IndexMeta) => {
      const tmp = `${path}.json.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(m));
      renameSync(tmp, `${path}.json`);
    };
    const dirty = new Set(this.#shards.flatMap((s, i) => (s.dirty ? [i] : [])));
    if (dirty.size) writeMeta(meta(dirty));
    for (const i of dirty) {
      const tmp = `${shardPath(path, i)}.tmp-${process.pid}`;
      this.#shards[i]!.ix.writeIndexSync(tmp);
      renameSync(tmp, shardPath(path, i));
      this.#shards[i]!.dirty = false;
    }
    writeMeta(meta(new Set()));
    // Files of shards an older, larger build left behind.
    for (let i = this.#shards.length; existsSync(shardPath(path, i)); i++) rmSync(shardPath(path, i), { force: true });
    this.#metaDirty = false;
  }

  /** The files a worker needs to search this index (saved first when they are behind; see cluster/knn-index.ts). */
  files(): string[] {
    if (!this.path) throw new Error('an in-memory index has no files');
    this.save();
    return this.#shards.map((_, i) => shardPath(this.path!, i));
  }

  fingerprint(): EmbeddingFingerprint {
    const fps = this.#shards.map((s) => s.fp);
    return {
      count: fps.reduce((a, f) => a + f.count, 0),
      idSum: fps.reduce((a, f) => a + f.idSum, 0),
      maxId: fps.reduce((a, f) => Math.max(a, f.maxId), 0),
    };
  }
}

/**
 * The k nearest of `query` over shards searched one after another with beam `ef` each, merged by similarity
 * (ties by id); `exclude` drops one label. `count` bounds what a shard is asked for.
 */
export function searchShards(
  shards: readonly { ix: hnswlib.HierarchicalNSW; count: number }[],
  query: number[],
  k: number,
  ef: number,
  exclude?: number,
): Neighbour[] {
  const want = k + (exclude === undefined ? 0 : 1);
  if (want <= 0) return [];
  const out: Neighbour[] = [];
  for (const s of shards) {
    const m = Math.min(want, s.count, s.ix.getMaxElements());
    if (m <= 0) continue;
    s.ix.setEf(Math.max(ef, m));
    const r = s.ix.searchKnn(query, m);
    r.neighbors.forEach((id, i) => {
      if (id !== exclude) out.push({ faceId: id, similarity: 1 - r.distances[i]! });
    });
  }
  out.sort((a, b) => b.similarity - a.similarity || a.faceId - b.faceId);
  return out.slice(0, k);
}

/** Open reasons, most costly first. */
const REASONS: OpenReason[] = ['other-head', 'params', 'unreadable', 'missing', 'stale', 'caught-up', 'loaded'];

function addTo(s: Shard, faceId: number, vec: Float32Array, o: IndexOptions): void {
  if (vec.length !== FEATURE_DIM)
    throw new Error(`embedding of face ${faceId} has ${vec.length} values, expected ${FEATURE_DIM}`);
  if (s.ix.getCurrentCount() >= s.ix.getMaxElements())
    s.ix.resizeIndex(Math.ceil(Math.max(o.minCapacity, s.ix.getMaxElements() * o.growth)));
  s.ix.addPoint(Array.from(vec), faceId);
  s.fp = { count: s.fp.count + 1, idSum: s.fp.idSum + faceId, maxId: Math.max(s.fp.maxId, faceId) };
  s.dirty = true;
}

function readMeta(path: string): IndexMeta | undefined {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as IndexMeta;
    if ((m.format !== 1 && m.format !== 2) || typeof m.headId !== 'number' || typeof m.count !== 'number')
      return undefined;
    if (m.format === 2 && (!Array.isArray(m.shards) || m.shards.length < 1)) return undefined;
    return m;
  } catch {
    return undefined;
  }
}

function sameFp(a: EmbeddingFingerprint, b: EmbeddingFingerprint): boolean {
  return a.count === b.count && a.idSum === b.idSum && (a.count === 0 || b.maxId <= a.maxId);
}
