// Engine (index): the HNSW index (hnswlib-node) over the active head's face embeddings, persisted beside the database.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, basename, join } from 'node:path';
import type { Db } from '../store/db.js';
import { FaceStore, FEATURE_DIM, type EmbeddingFingerprint } from '../store/faces.js';
import {
  LocalShard,
  WorkerShard,
  type SearchResult,
  type Shard,
  type ShardCommand,
  type ShardInput,
  type ShardParams,
  type ShardSize,
  type ShardStats,
} from './shard-host.js';

/**
 * [Note: HNSW parameters] Chosen with bench/hnsw.ts on real face embeddings: the 1,403 faces of celeba-wild, and
 * those grown to 50,000 with noisy copies (cosine ~0.6 to their source, like other photos of the same person),
 * recall@10 against exact search over 200 queries, 2-core VM under load:
 *   M=8  efC=200 ef=128: 0.853   M=16 efC=200 ef=64: 0.978   M=32 efC=100 ef=32: 0.999   M=32 efC=100 ef=64: 1.000
 * M=32 built as fast as M=16 at efC=200 (~60 s for 50k) and its queries stay under 0.4 ms (p50); on the 1,403 real
 * faces alone every setting with ef >= 32 is >= 0.997. Inner product on unit vectors is cosine similarity
 * (similarity = 1 - distance). `ef` is raised to k for queries asking for more neighbours than ef.
 *
 * [Note: HNSW at a million faces] bench/hnsw.ts --synthetic 30000 --n 1000000: a million faces around 30,000 people
 * (33 a person), 200 queries, recall@10 against exact search ("match recall" counts only exact neighbours at cosine
 * >= 0.3, or 0.2 since issue 16's clustering threshold, the ones that could be the same person). What was decided:
 * - M 32, efC 200, at most one shard per core (two here, [Note: index shards]); queries at ef 64, and at `largeEf`
 *   128 from `largeFrom` faces: recall falls with size at a fixed ef, and at 150k ef 128 gained nothing over 64. The
 *   switch point between the measured sizes is a judgement.
 * - efC 200 over 100: a beam of 200 while inserting finds each new face's neighbours where 100 missed them, so a
 *   rarely seen person's few faces stop being an island (people with 50 or fewer faces: 0.930 at ef 128, against
 *   0.850), and the 1M graph finds 0.968 at the query cost of efC 100's 0.929. It doubles the cost of adding a face
 *   (about 1.5 ms at 1M, on the import's main thread) and of a rebuild; an index saved with efC 100 is rebuilt once
 *   (reason 'params'). M 48 at efC 100 was cheaper to build but found less at every query cost.
 * - Not adopted: more shards than cores (four of 250k on 2 cores: the same recall, slower queries); shards that hold
 *   whole people (they would answer like a 6,000-person graph and build in about 9 minutes, but placing a new face
 *   in its person's shard needs its person found first, the search this is about); adding faces a person at a time
 *   (faster, but each person becomes an island again; a rebuild keeps adding faces in id order).
 * What makes the million hard is how many people one graph holds: at 200k faces (efC 100), 6,000 people give 0.983
 * at ef 64 (match 0.990, build 212 s) and 30,000 people 0.793 (match 0.952, 328 s). The even set spreads people
 * evenly over 512 dimensions; real faces' cosines across people vary twice as much (sd 0.098 against 0.044, [Note:
 * between-person spectrum]), so a face's neighbours lead towards its person. --centre-decay 1 spreads people like
 * real faces (still harder than real faces by local dimensionality); --noise-decay 0.75 shapes same-person variation
 * like real faces' ([Note: within-person spectrum]). The defaults were chosen on the even set: harder than people
 * spread like real faces, kinder than same-person variation shaped like theirs.
 * A person with more than 50 faces is found almost always (even set, two shards, ef 64/128/192: 0.989/0.994/0.998);
 * one with 50 or fewer much less (0.792/0.850/0.869); more beam helps slowly.
 *
 * Runs (1M faces unless said; "order": random is the bench's default, "person" adds a person's faces one after
 * another, "backbone" a random tenth first and then a person at a time; "SSE" is npm's hnswlib build, the rest are
 * built for the processor by scripts/hnsw-native.mjs, 1.37x faster to build; "m" marks match recall; B is one day's
 * runs side by side; the host's speed varied from day to day, by up to 1.8x in CPU s for one build):
 *   set, layout, order           M/efC   build s (CPU s)   ef: recall@10                        p50 ms
 *   even, 1 graph, SSE           32/100  2,212             32/64/128/256: m .874/.920/.948/.969 .68/.96/1.97/3.66
 *   even, 1 graph, SSE           16/200  2,096             32/64/128/256: m .790/.874/.930/.962 .43/.69/1.21/2.24
 *   even 150k, 1 graph, SSE      32/100    207             32/64/128: m .990/.996/.996          .39/.68/1.33
 *   even, 2 shards, SSE          32/100  1,249             64/128/192/256: .905/.925/.939/.945  1.74/3.06/4.50/5.50
 *   even, 2 shards, SSE          24/100    913             64/128/192/256: .856/.905/.927/.932  1.24/1.97/2.63/3.46
 *   even, 2 shards               32/100    914             48/64/128/256: .878/.901/.929/.946   1.26/1.65/2.64/5.24
 *   even, 4 shards               32/100    888             64/128: .902/.931                    2.34/4.22
 *   even, noise 0.75, 2 shards   32/100    817             64/128/192: .799/.853/.881           1.33/2.66/3.33
 *   even, 2 shards, B            32/100    723             32/64/128: .843/.901/.929            .63/.98/1.94
 *   centre 1, 2 shards, B        32/100    353             32/64/128: .933/.960/.973            .43/.59/1.10
 *   centre 1, noise 0.75, B      32/100    391             32/64/128: .912/.940/.973            .45/.62/1.09
 *   centre 1, 200k/30,000, B     32/100    142             64: .947 (even set: .793, 343 s)
 *   even, 2 shards, 2026-12-01   32/100    425             64/128/256/384: .901/.929/.946/.957  .57/.90/1.60/2.25
 *   even, 2 shards, 2026-12-01   48/100    462             128/192/256/320: .944/.955/.958/.965 1.07/1.35/1.75/2.09
 *   even, 2 shards, 2026-12-01   32/200    745-776         64/128/320: .953/.968/.977           .61/.92-1.07/1.87
 *   even, 2 shards, 2026-12-02   32/200  1,280-1,345       64/128: .953/.968                    1.10-1.54/1.50-1.77
 *                                         (2,496-2,600)
 *   same, person order           32/200    800 (1,540)     64/128: .892/.929                    2.03/2.08
 *   same, backbone 0.1           32/200  1,187 (2,307)     64/128: .917/.946                    1.42/1.50
 *   even 200k/6,000, random      32/200    200 (357)       64: .988                             1.03
 *   even 200k/6,000, person      32/200    145 (283)       64: .974                             1.10
 * The index of a million faces at M 32 takes about 2.2 GB (M 16: 2.1 GB). On 2026-12-02 each shard's thread stayed at
 * 98-99% of a core to the end (1.94 cores busy): that host gave 2,600 CPU s to what took about 1,500 on 2026-12-01.
 */
export const indexOptions = {
  m: 32,
  efConstruction: 200,
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

/** One shard of the index: where it lives, what it holds, whether its file is behind. */
interface ShardState {
  shard: Shard;
  fp: EmbeddingFingerprint;
  /** Elements hnswlib holds (deleted ones too) and its capacity. */
  size: ShardSize;
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
 * [Note: index shards] A face lives in shard (face id modulo the shard count), fixed when the index is built. The
 * first shard lives on the calling thread and every other one on its own worker thread (see [Note: shard
 * workers]), so that the shards build, load and save side by side, and a query searches them all at once (the
 * caller takes the first) with the same beam and merges. Each shard is one file, saved only when it changed, and
 * checked and caught up on its own, so a kill mid-save or a stale shard costs a rebuild of that shard only. See
 * [Note: HNSW at a million faces] for the counts and beams chosen.
 */
export class FaceIndex {
  #shards: ShardState[];
  #metaDirty = false;
  #closed = false;
  readonly #faces: FaceStore;

  private constructor(
    readonly path: string | undefined,
    readonly headId: number,
    readonly opts: IndexOptions,
    shards: ShardState[],
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
      else return FaceIndex.#openShards(path, headId, o, meta, faces);
    }
    return FaceIndex.build(db, path, headId, o, reason);
  }

  /** Loads, catches up or rebuilds each shard named by `meta`. */
  static #openShards(path: string, headId: number, o: IndexOptions, meta: IndexMeta, faces: FaceStore): FaceIndex {
    const recorded = meta.shards ?? [{ count: meta.count, idSum: meta.idSum, maxId: meta.maxId }];
    const n = recorded.length;
    const want = faces.shardFingerprints(headId, n);
    const reasons: OpenReason[] = recorded.map((fp, i) => {
      if (!fp) return 'unreadable';
      if (!existsSync(shardPath(path, i))) return 'missing';
      if (sameFp(fp, want[i]!)) return 'loaded';
      return sameFp(fp, faces.shardFingerprints(headId, n, fp.maxId)[i]!) ? 'caught-up' : 'stale';
    });
    const shards = newShards(n);
    // The files that can be used load side by side (one per worker when there are several).
    const loading = reasons.flatMap((r, i) => (r === 'loaded' || r === 'caught-up' ? [i] : []));
    startAll(loading.map((i) => [shards[i]!, { op: 'read', file: shardPath(path, i), dim: FEATURE_DIM }]));
    const states: (ShardState | undefined)[] = new Array<ShardState | undefined>(n).fill(undefined);
    for (const i of loading) {
      try {
        const size = shards[i]!.finish<ShardSize>();
        if (size.count < recorded[i]!.count) throw new Error('index file does not match its meta');
        states[i] = { shard: shards[i]!, fp: { ...recorded[i]! }, size, dirty: false };
      } catch {
        reasons[i] = 'unreadable';
      }
    }
    for (const i of loading) {
      const s = states[i];
      if (s && reasons[i] === 'caught-up')
        for (const e of faces.shardEmbeddings(headId, n, i, s.fp.maxId)) addTo(s, e.faceId, e.vec, o);
    }
    const rebuild = [...states.keys()].filter((i) => !states[i]);
    if (rebuild.length) {
      const built = buildFromStore(faces, headId, n, rebuild, o, shards);
      rebuild.forEach((i, j) => (states[i] = built[j]));
    }
    const fi = new FaceIndex(path, headId, o, states as ShardState[], faces, reasons);
    fi.#metaDirty = fi.openedBecause !== 'loaded' || meta.format !== 2;
    return fi;
  }

  /** A fresh index of every embedding of the head (dirty: save() writes it). */
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
    // The old meta goes first: a kill before the new index is saved then leaves none, and the next open rebuilds.
    if (path) rmSync(`${path}.json`, { force: true });
    const all = Array.from({ length: n }, (_, i) => i);
    const states = buildFromStore(faces, headId, n, all, o, newShards(n));
    const fi = new FaceIndex(
      path,
      headId,
      o,
      states,
      faces,
      all.map(() => reason),
    );
    fi.#metaDirty = true;
    return fi;
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

  #check(): void {
    if (this.#closed) throw new Error('the face index is closed');
  }

  #shardOf(faceId: number): ShardState {
    return this.#shards[faceId % this.#shards.length]!;
  }

  /** Adds a new face's unit embedding (the face must not be in the index yet). */
  add(faceId: number, vec: Float32Array): void {
    this.#check();
    addTo(this.#shardOf(faceId), faceId, vec, this.opts);
    this.#metaDirty = true;
  }

  /** Marks a face deleted (it stops appearing in searches). Unknown ids are ignored. */
  remove(faceId: number): void {
    this.#check();
    const s = this.#shardOf(faceId);
    if (!s.shard.call<boolean>({ op: 'delete', label: faceId })) return;
    // [Note: index staleness] maxId stays: it bounds the ids the fingerprint was taken over.
    s.fp = { count: s.fp.count - 1, idSum: s.fp.idSum - faceId, maxId: s.fp.maxId };
    s.dirty = true;
    this.#metaDirty = true;
  }

  /** The beam each shard's search uses at the index's current size (see [Note: HNSW at a million faces]). */
  get searchEf(): number {
    return this.size >= this.opts.largeFrom ? Math.max(this.opts.ef, this.opts.largeEf) : this.opts.ef;
  }

  /** The k faces most similar to `vec`, most similar first; `exclude` drops one face id (the query face). */
  search(vec: Float32Array | readonly number[], k: number, exclude?: number): Neighbour[] {
    this.#check();
    return searchShards(this.#shards, Float32Array.from(vec), k, this.searchEf, exclude);
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
   * One search per face on this thread (cluster/knn-index.ts runs the same from the saved files on workers).
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
   * then each goes to a temp file renamed over its own (side by side when they live on workers), then the meta
   * records their fingerprints. A kill at any point leaves every shard either recorded and whole, or marked for a
   * rebuild.
   */
  save(): void {
    this.#check();
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
    const dirty = this.#shards.flatMap((s, i) => (s.dirty ? [i] : []));
    if (dirty.length) writeMeta(meta(new Set(dirty)));
    const tmp = (i: number) => `${shardPath(path, i)}.tmp-${process.pid}`;
    startAll(dirty.map((i) => [this.#shards[i]!.shard, { op: 'write', file: tmp(i) }]));
    for (const i of dirty) this.#shards[i]!.shard.finish();
    for (const i of dirty) {
      renameSync(tmp(i), shardPath(path, i));
      this.#shards[i]!.dirty = false;
    }
    writeMeta(meta(new Set()));
    // Files of shards an older, larger build left behind.
    for (let i = this.#shards.length; existsSync(shardPath(path, i)); i++) rmSync(shardPath(path, i), { force: true });
    this.#metaDirty = false;
  }

  /** The shard files, saved first when they are behind (cluster/knn-index.ts searches them on its workers). */
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

  /** Releases the shards (their worker threads end). The index is unusable afterwards; save() first. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#shards) if (s.shard instanceof WorkerShard) s.shard.close();
  }
}

/** `n` empty shards: the first on this thread, each other one on its own worker (see [Note: index shards]). */
export function newShards(n: number): Shard[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? new LocalShard() : new WorkerShard()));
}

/**
 * Starts one command on each shard: the workers' first, then those on this thread (which run as they start),
 * so that all run side by side; the caller then finishes each.
 */
function startAll(cmds: [Shard, ShardCommand][]): void {
  for (const [sh, c] of cmds) if (!(sh instanceof LocalShard)) sh.start(c);
  for (const [sh, c] of cmds) if (sh instanceof LocalShard) sh.start(c);
}

/**
 * Builds shards `which` of an `n`-shard index from SQLite. One shard is built on this thread from the streamed
 * embeddings; several get the embeddings of the shards to build in shared memory and build side by side, each on
 * its worker (see [Note: parallel index build]).
 */
function buildFromStore(
  faces: FaceStore,
  headId: number,
  n: number,
  which: number[],
  o: IndexOptions,
  shards: Shard[],
): ShardState[] {
  const params: ShardParams = { dim: FEATURE_DIM, m: o.m, efConstruction: o.efConstruction, seed: o.seed };
  const fps = faces.shardFingerprints(headId, n);
  const capacity = (i: number) => Math.max(o.minCapacity, Math.ceil(fps[i]!.count * o.growth));
  if (which.length === 1 && shards[which[0]!] instanceof LocalShard) {
    // hnswlib lives here: stream the rows straight in (no copy of the vectors).
    const i = which[0]!;
    const sh = shards[i]!;
    sh.call({ op: 'init', params, capacity: capacity(i) });
    const s: ShardState = {
      shard: sh,
      fp: { count: 0, idSum: 0, maxId: 0 },
      size: sh.call({ op: 'size' }),
      dirty: true,
    };
    for (const e of faces.shardEmbeddings(headId, n, i)) addTo(s, e.faceId, e.vec, o);
    return [s];
  }
  const total = which.reduce((a, i) => a + fps[i]!.count, 0);
  const vectors = new Float32Array(new SharedArrayBuffer(Math.max(1, total) * FEATURE_DIM * 4));
  const labels = new Int32Array(new SharedArrayBuffer(Math.max(1, total) * 4));
  let rows = 0;
  const wanted = new Set(which);
  for (const e of faces.embeddings(headId)) {
    if (!wanted.has(e.faceId % n) || rows >= total) continue;
    vectors.set(e.vec, rows * FEATURE_DIM);
    labels[rows++] = e.faceId;
  }
  const input: ShardInput = { vectors, labels, n: rows };
  return buildShards(input, n, which, params, capacity, shards);
}

/**
 * [Note: parallel index build] hnswlib-node adds points one at a time on the calling thread, so an index of
 * several shards builds each on its own worker from the same shared vectors, side by side; the calling thread
 * sleeps until all are done (FaceIndex.open stays synchronous, as every caller expects).
 */
export function buildShards(
  input: ShardInput,
  n: number,
  which: number[],
  params: ShardParams,
  capacity: (shard: number) => number,
  shards: Shard[],
): ShardState[] {
  startAll(which.map((i) => [shards[i]!, { op: 'build', params, input, shard: i, shards: n, capacity: capacity(i) }]));
  const stats = which.map((i) => shards[i]!.finish<ShardStats>());
  return which.map((i, j) => ({
    shard: shards[i]!,
    fp: stats[j]!,
    size: shards[i]!.call<ShardSize>({ op: 'size' }),
    dirty: true,
  }));
}

/**
 * The k nearest of `query` over every shard, each searched with beam `ef` (side by side when they live on
 * workers), merged by similarity (ties by id); `exclude` drops one label.
 */
export function searchShards(
  shards: readonly { shard: Shard; fp: { count: number } }[],
  query: Float32Array,
  k: number,
  ef: number,
  exclude?: number,
): Neighbour[] {
  const want = k + (exclude === undefined ? 0 : 1);
  if (want <= 0) return [];
  const asked = shards.filter((s) => s.fp.count > 0);
  startAll(asked.map((s) => [s.shard, { op: 'search', query, k: Math.min(want, s.fp.count), ef }]));
  const out: Neighbour[] = [];
  for (const s of asked) {
    const r = s.shard.finish<SearchResult>();
    for (let i = 0; i < r.labels.length; i++)
      if (r.labels[i] !== exclude) out.push({ faceId: r.labels[i]!, similarity: 1 - r.dists[i]! });
  }
  out.sort((a, b) => b.similarity - a.similarity || a.faceId - b.faceId);
  return out.slice(0, k);
}

/** Open reasons, most costly first. */
const REASONS: OpenReason[] = ['other-head', 'params', 'unreadable', 'missing', 'stale', 'caught-up', 'loaded'];

function addTo(s: ShardState, faceId: number, vec: Float32Array, o: IndexOptions): void {
  if (vec.length !== FEATURE_DIM)
    throw new Error(`embedding of face ${faceId} has ${vec.length} values, expected ${FEATURE_DIM}`);
  if (s.size.count >= s.size.capacity) {
    const capacity = Math.ceil(Math.max(o.minCapacity, s.size.capacity * o.growth));
    s.shard.call({ op: 'resize', capacity });
    s.size = { ...s.size, capacity };
  }
  s.shard.call({ op: 'add', label: faceId, vec });
  s.size = { ...s.size, count: s.size.count + 1 };
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
