// Engine (api): what every service of the engine facade shares — the open library, its index and models, settings, events, jobs, the serial queue.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { EventName, EventPayload, HostEvent } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import type { Inference, Job, Settings } from '../../shared/schemas.js';
import type { FaceIndex } from '../index/hnsw.js';
import type { Analyzer } from '../library/analyze-pool.js';
import type { ExecutionProvider, ProviderFallback } from '../vision/ort.js';
import type { Db } from '../store/db.js';
import type { FacePipeline } from '../vision/pipeline.js';
import type { Grants } from './grants.js';

/** The shared state of one open library, handed to every service (see [Note: engine facade]). */
export interface Core {
  readonly db: Db;
  readonly dbPath: string;
  readonly door: 'electron' | 'web' | 'cli';
  /** The HNSW index of the active head (opened, or rebuilt when stale, on first use). */
  index(): FaceIndex;
  /** Forgets the open index without saving it (its file was rewritten by a repair or a restore): opened again on use. */
  resetIndex(): void;
  /** Face pipeline of analysis lane `lane`, loaded on first use. */
  vision(lane?: number): Promise<FacePipeline>;
  /** The photo analysis an import runs (worker threads; see [Note: import pipeline]). */
  analyzer(o: { workers?: number; perWorker?: number }): Analyzer;
  /** Where inference runs: the setting, the provider loaded (else the first planned) and those that could not load. */
  inference(): Inference;
  /** Records the provider a model loaded on outside this thread (the import's workers). */
  inferenceLoaded(provider: ExecutionProvider, fallbacks: ProviderFallback[]): void;
  settings(): Settings;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  readonly jobs: Jobs;
  /** The paths a door may hand over ([Note: paths are capabilities]). */
  readonly grants: Grants;
  /**
   * Runs `fn` after every queued operation that changes photos, faces or embeddings has finished: imports,
   * folder removal, hand-drawn faces, head activation, re-clustering, restores ([Note: one serial queue]).
   */
  serial<T>(fn: () => Promise<T> | T): Promise<T>;
}

/**
 * [Note: one serial queue] Operations that write faces or embeddings, or read all of them to rewrite people, run
 * one after another: a head activated while an import runs would leave the import's new faces embedded by the old
 * head, out of clustering and search; a re-cluster during an import would plan over half a library. People edits
 * (rename, merge, ...) are single SQLite transactions and need no queue.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #depth = 0;

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    this.#depth++;
    const run = this.#tail.then(fn);
    this.#tail = run.then(
      () => this.#depth--,
      () => this.#depth--,
    );
    return run;
  }

  /** Operations queued or running. */
  get depth(): number {
    return this.#depth;
  }
}

export interface RunningJob extends Job {
  cancel(): void;
}

export interface JobHandle<T> {
  jobId: string;
  signal: AbortSignal;
  /** Resolves with the work's value; rejects with its error (a 'failed' event has been sent by then). */
  done: Promise<T>;
}

/** Long work the UI can list and cancel: imports and training runs. */
export class Jobs {
  readonly #jobs = new Map<string, RunningJob>();

  /**
   * Registers a job and runs `work` (on the next tick, so the caller holds the id before any event); the job is
   * unregistered when the work ends, however it ends.
   */
  start<T>(
    kind: Job['kind'],
    status: Job['status'],
    message: string,
    work: (job: { jobId: string; signal: AbortSignal; setStatus(s: Job['status']): void }) => Promise<T>,
  ): JobHandle<T> {
    const jobId = `${kind}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const abort = new AbortController();
    const entry: RunningJob = { id: jobId, kind, status, startedAt: Date.now(), message, cancel: () => abort.abort() };
    this.#jobs.set(jobId, entry);
    const done = Promise.resolve()
      .then(() => work({ jobId, signal: abort.signal, setStatus: (s) => void (entry.status = s) }))
      .finally(() => this.#jobs.delete(jobId));
    done.catch(() => undefined); // the caller may not wait for it; the work reports its own failure as an event
    return { jobId, signal: abort.signal, done };
  }

  list(): Job[] {
    return [...this.#jobs.values()].map(({ cancel: _c, ...job }) => job);
  }

  cancel(jobId: string): void {
    const job = this.#jobs.get(jobId);
    if (!job) throw new ApiError('not-found', `job ${jobId} does not exist (it may have finished)`);
    job.cancel();
  }

  cancelAll(): void {
    for (const job of this.#jobs.values()) job.cancel();
  }
}

/** The engine's events, checked against the contract by whoever emits them. */
export class Events {
  readonly #emitter = new EventEmitter().setMaxListeners(100);

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.#emitter.emit('event', { event, payload } as HostEvent);
  }

  on(listener: (e: HostEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }

  clear(): void {
    this.#emitter.removeAllListeners();
  }
}
