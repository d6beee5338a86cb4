// Engine (index): the shards of an HNSW index, on this thread or each on its own worker thread behind a synchronous call.
import hnswlib from 'hnswlib-node';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { siblingModule, spawnModuleWorker } from '../compute/worker.js';

/** Build parameters of one shard. */
export interface ShardParams {
  dim: number;
  m: number;
  efConstruction: number;
  seed: number;
}

/** Shared inputs of a build: n unit vectors of `dim` floats and their labels (face ids), in SharedArrayBuffers. */
export interface ShardInput {
  vectors: Float32Array;
  labels: Int32Array;
  n: number;
}

export interface SearchResult {
  labels: Int32Array;
  /** Inner-product distances (1 - cosine for unit vectors), nearest first. */
  dists: Float32Array;
}

/** What a built shard holds: count, id sum and largest id of its labels (see [Note: index staleness]). */
export interface ShardStats {
  count: number;
  idSum: number;
  maxId: number;
}

/** The commands a shard answers, wherever it lives. */
export type ShardCommand =
  | { op: 'init'; params: ShardParams; capacity: number }
  | { op: 'read'; file: string; dim: number }
  | { op: 'build'; params: ShardParams; input: ShardInput; shard: number; shards: number; capacity: number }
  | { op: 'add'; label: number; vec: Float32Array }
  | { op: 'delete'; label: number }
  | { op: 'search'; query: Float32Array; k: number; ef: number }
  | { op: 'write'; file: string }
  | { op: 'resize'; capacity: number }
  | { op: 'size' }
  | { op: 'close' };

export type ShardSize = { count: number; capacity: number };

/** Runs shard commands on an hnswlib index (on this thread, or in a shard worker). */
export class ShardCore {
  ix: hnswlib.HierarchicalNSW | undefined;
  #row: number[] = [];

  run(c: ShardCommand): unknown {
    switch (c.op) {
      case 'init':
        this.ix = new hnswlib.HierarchicalNSW('ip', c.params.dim);
        this.ix.initIndex({
          maxElements: c.capacity,
          m: c.params.m,
          efConstruction: c.params.efConstruction,
          randomSeed: c.params.seed,
        });
        return undefined;
      case 'read':
        this.ix = new hnswlib.HierarchicalNSW('ip', c.dim);
        this.ix.readIndexSync(c.file);
        if (this.ix.getNumDimensions() !== c.dim)
          throw new Error(`${c.file}: ${this.ix.getNumDimensions()}-D, not ${c.dim}`);
        return this.size();
      case 'build':
        return this.#build(c);
      case 'add': {
        const ix = this.#ix();
        const row = this.#rowOf(c.vec);
        ix.addPoint(row, c.label);
        return undefined;
      }
      case 'delete':
        try {
          this.#ix().markDelete(c.label);
          return true;
        } catch {
          return false; // not in the shard (never added, or already deleted)
        }
      case 'search': {
        const ix = this.#ix();
        ix.setEf(Math.max(c.ef, c.k));
        const r = ix.searchKnn(this.#rowOf(c.query), c.k);
        return { labels: Int32Array.from(r.neighbors), dists: Float32Array.from(r.distances) } satisfies SearchResult;
      }
      case 'write':
        this.#ix().writeIndexSync(c.file);
        return undefined;
      case 'resize':
        this.#ix().resizeIndex(c.capacity);
        return undefined;
      case 'size':
        return this.size();
      case 'close':
        this.ix = undefined;
        return undefined;
    }
  }

  size(): ShardSize {
    const ix = this.#ix();
    return { count: ix.getCurrentCount(), capacity: ix.getMaxElements() };
  }

  #ix(): hnswlib.HierarchicalNSW {
    if (!this.ix) throw new Error('the shard has no index');
    return this.ix;
  }

  #rowOf(v: Float32Array): number[] {
    const row = this.#row;
    row.length = v.length;
    for (let i = 0; i < v.length; i++) row[i] = v[i]!;
    return row;
  }

  #build(c: Extract<ShardCommand, { op: 'build' }>): ShardStats {
    const { vectors, labels, n } = c.input;
    const dim = c.params.dim;
    this.run({ op: 'init', params: c.params, capacity: c.capacity });
    const ix = this.#ix();
    const stats = { count: 0, idSum: 0, maxId: 0 };
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      if (label % c.shards !== c.shard) continue;
      ix.addPoint(this.#rowOf(vectors.subarray(i * dim, (i + 1) * dim)), label);
      stats.count++;
      stats.idSum += label;
      stats.maxId = Math.max(stats.maxId, label);
    }
    return stats;
  }
}

/** One shard's commands: `start` sends one, `finish` waits for its answer; `call` does both. */
export interface Shard {
  start(c: ShardCommand): void;
  finish<T>(): T;
  call<T>(c: ShardCommand): T;
  /** The hnswlib index itself when the shard lives on this thread (bench and kNN helpers search it directly). */
  readonly local: hnswlib.HierarchicalNSW | undefined;
}

/** A shard on the calling thread. */
export class LocalShard implements Shard {
  readonly #core = new ShardCore();
  #pending: { value?: unknown; error?: unknown } | undefined;

  get local(): hnswlib.HierarchicalNSW | undefined {
    return this.#core.ix;
  }

  start(c: ShardCommand): void {
    try {
      this.#pending = { value: this.#core.run(c) };
    } catch (error) {
      this.#pending = { error };
    }
  }

  finish<T>(): T {
    const p = this.#pending;
    this.#pending = undefined;
    if (!p) throw new Error('no command was started');
    if ('error' in p) throw p.error;
    return p.value as T;
  }

  call<T>(c: ShardCommand): T {
    this.start(c);
    return this.finish<T>();
  }
}

/** Shared flag states of a worker shard's one call in flight. */
export const IDLE = 0;
export const REQUEST = 1;
export const RUNNING = 2;
export const DONE = 3;

export interface ShardWorkerData {
  flag: Int32Array;
  requests: MessagePort;
  replies: MessagePort;
}

export const shardHostOptions = {
  /** A worker that has not picked up its first command after this long is taken for dead (ms). */
  startTimeoutMs: 120_000,
};

/**
 * [Note: shard workers] A shard on its own worker thread, called synchronously: the command goes on a
 * MessagePort, a shared flag wakes the worker (Atomics), and the calling thread sleeps on the flag until the
 * answer is on the reply port (receiveMessageOnPort). FaceIndex stays synchronous for every caller, while
 * several shards build, load, save and answer one query side by side: `start` each, then `finish` each. A call
 * costs some tens of microseconds more than on this thread.
 */
export class WorkerShard implements Shard {
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #requests: MessagePort;
  readonly #replies: MessagePort;
  readonly #worker: Worker;
  #started = false;
  #closed = false;

  constructor() {
    const req = new MessageChannel();
    const rep = new MessageChannel();
    this.#requests = req.port1;
    this.#replies = rep.port2;
    const data: ShardWorkerData = { flag: this.#flag, requests: req.port2, replies: rep.port1 };
    this.#worker = spawnModuleWorker(siblingModule(import.meta.url, 'shard-host-worker'), data, [req.port2, rep.port1]);
    this.#worker.unref(); // an index someone forgot to close never keeps the process alive
  }

  get local(): undefined {
    return undefined;
  }

  start(c: ShardCommand): void {
    if (this.#closed) throw new Error('the index shard is closed');
    if (Atomics.load(this.#flag, 0) !== IDLE) throw new Error('a shard command is already in flight');
    this.#requests.postMessage(c);
    Atomics.store(this.#flag, 0, REQUEST);
    Atomics.notify(this.#flag, 0);
  }

  finish<T>(): T {
    const t0 = Date.now();
    for (let s = Atomics.load(this.#flag, 0); s !== DONE; s = Atomics.load(this.#flag, 0)) {
      if (s === IDLE) throw new Error('no command was started');
      if (s === REQUEST && !this.#started && Date.now() - t0 > shardHostOptions.startTimeoutMs)
        throw new Error('an index shard worker did not start');
      Atomics.wait(this.#flag, 0, s, s === REQUEST ? 1000 : undefined);
    }
    this.#started = true;
    const r = receiveMessageOnPort(this.#replies)?.message as { value?: unknown; error?: string } | undefined;
    Atomics.store(this.#flag, 0, IDLE);
    if (!r) throw new Error('an index shard worker answered nothing');
    if (r.error !== undefined) throw new Error(r.error);
    return r.value as T;
  }

  call<T>(c: ShardCommand): T {
    this.start(c);
    return this.finish<T>();
  }

  /** Ends the worker (its index goes with it). */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.#started || Atomics.load(this.#flag, 0) === IDLE) this.call({ op: 'close' });
    } catch {
      // it is going anyway
    }
    this.#closed = true;
    this.#requests.close();
    this.#replies.close();
    void this.#worker.terminate();
  }
}
