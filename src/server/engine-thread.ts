// Server (web door): the engine host in a worker thread, so imports, re-clusters and evaluations never stall HTTP or the event socket.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HostEvent } from '../engine/host/host.js';
import type { Result } from '../shared/result.js';

/** What a door needs from the engine, in this process or another thread. */
export interface DoorHost {
  call(method: unknown, args: unknown): Promise<Result<unknown>>;
  onEvent(listener: (e: HostEvent) => void): () => void;
  thumbFile(faceId: number): string | undefined | Promise<string | undefined>;
  photoFile(photoId: number): string | undefined | Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * [Note: web door thread] The web door serves many small requests while the engine runs long synchronous
 * work (clustering 100k faces, re-embedding, evaluating pairs). The host lives in a worker thread; the door
 * posts contract calls to it and relays its events, as Electron's main does with its utilityProcess. From .ts
 * sources (tsx) a small bootstrap registers tsx inside the worker first (see arcface/train-thread.ts).
 */
export class ThreadHost implements DoorHost {
  readonly #worker: Worker;
  readonly #pending = new Map<number, (m: { result?: Result<unknown>; path?: string | null }) => void>();
  readonly #listeners = new Set<(e: HostEvent) => void>();
  #next = 1;
  #exited = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (m: { id?: number; event?: string; result?: Result<unknown>; path?: string | null }) => {
      if (m.id !== undefined) {
        this.#pending.get(m.id)?.(m);
        this.#pending.delete(m.id);
      } else if (m.event) for (const l of this.#listeners) l(m as HostEvent);
    });
    worker.on('exit', (code) => {
      this.#exited = true;
      for (const resolve of this.#pending.values())
        resolve({
          result: { ok: false, error: { code: 'engine', message: `the engine stopped (exit ${code})` } },
          path: null,
        });
      this.#pending.clear();
    });
  }

  static async open(o: { dbPath: string; checkResults?: boolean }): Promise<ThreadHost> {
    const ext = extname(fileURLToPath(import.meta.url)) || '.js';
    const url = new URL(`./engine-worker${ext}`, import.meta.url);
    const workerData = { dbPath: o.dbPath, checkResults: o.checkResults ?? false };
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, {
          eval: true,
          workerData,
        })
      : new Worker(url, { workerData });
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: { ready?: boolean; failed?: string }) => {
        if (m.ready) resolve();
        else if (m.failed) reject(new Error(`the library could not be opened: ${m.failed}`));
        else return;
        worker.off('message', onMsg);
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    return new ThreadHost(worker);
  }

  #send(msg: Record<string, unknown>): Promise<{ result?: Result<unknown>; path?: string | null }> {
    if (this.#exited)
      return Promise.resolve({
        result: { ok: false, error: { code: 'engine', message: 'the engine has stopped' } },
        path: null,
      });
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#worker.postMessage({ ...msg, id });
    });
  }

  async call(method: unknown, args: unknown): Promise<Result<unknown>> {
    return (await this.#send({ method, args })).result!;
  }

  onEvent(listener: (e: HostEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async thumbFile(faceId: number): Promise<string | undefined> {
    return (await this.#send({ file: 'thumb', key: faceId })).path ?? undefined;
  }

  async photoFile(photoId: number): Promise<string | undefined> {
    return (await this.#send({ file: 'photo', key: photoId })).path ?? undefined;
  }

  async close(): Promise<void> {
    if (this.#exited) return;
    await this.#send({ close: true });
    await this.#worker.terminate();
  }
}
