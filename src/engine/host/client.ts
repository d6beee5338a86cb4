// Engine (host): the door side of an off-main engine — queue until ready, one pending map, crash restarts with a limit, a bounded close.
import { availableParallelism } from 'node:os';
import type { Result } from '../../shared/result.js';
import type { FileKind, FromEngine, HostEvent, ToEngine } from './messages.js';
import type { OpenFailure } from './open-error.js';
import type { ServedFileState } from '../library/served.js';

export const clientOptions = {
  /** Crash restarts allowed within `restartWindowMs`; one more and the client gives up (state 'failed'). */
  maxRestarts: 3,
  restartWindowMs: 60_000,
  /** Calls queued or in flight at once; more answer 'busy' at once instead of piling up. */
  maxPending: 512,
  /** How long close() waits for the engine to close its library before killing it. */
  closeTimeoutMs: 4_000,
};

/**
 * The environment an engine process starts with: the caller's, with libuv's thread pool sized to the machine
 * (cores + 4) unless the user set it (see [Note: libuv threads] in bin/facelens.js, which does the same for the
 * CLI and the web door).
 */
export function engineProcessEnv(env: NodeJS.ProcessEnv, cores = availableParallelism()): NodeJS.ProcessEnv {
  return env.UV_THREADPOOL_SIZE ? { ...env } : { ...env, UV_THREADPOOL_SIZE: String(Math.min(1024, cores + 4)) };
}

/** One engine process or thread, as the client sees it. */
export interface EngineChild {
  postMessage(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type ClientState = 'starting' | 'ready' | 'failed' | 'closed';

type Answer = { result?: Result<unknown>; path?: string | null; state?: ServedFileState };
interface Pending {
  message: ToEngine;
  resolve: (a: Answer) => void;
  sent: boolean;
}

const engineError = (message: string): Answer => ({
  result: { ok: false, error: { code: 'engine', message } },
  path: null,
});

/**
 * [Note: engine supervision] Both doors talk to an engine off their own thread (the web door to a worker thread,
 * Electron's main to a utilityProcess) through this one client:
 * - Calls made before the engine said {ready} wait in a queue and go out in order once it has.
 * - An engine that cannot open its library says why once ({failed}); every call then answers with that reason, the
 *   window shows it, and nothing restarts (opening again would fail the same way).
 * - An engine that dies answers its calls in flight with a clear error at once, and is started again, up to
 *   maxRestarts within restartWindowMs; after that the client is 'failed' and says so.
 * - Pending calls are bounded; a message that cannot be posted (too deep to clone) answers an error, never leaks.
 */
export class EngineClient {
  readonly #spawn: () => EngineChild;
  readonly #o: typeof clientOptions;
  readonly #pending = new Map<number, Pending>();
  readonly #events = new Set<(e: HostEvent) => void>();
  readonly #states = new Set<(s: ClientState) => void>();
  readonly #restarts: number[] = [];
  #child: EngineChild | undefined;
  #state: ClientState = 'starting';
  #failure: OpenFailure | undefined;
  #next = 1;
  #readyWaiters: { resolve: () => void; reject: (f: OpenFailure) => void }[] = [];

  constructor(spawn: () => EngineChild, opts: Partial<typeof clientOptions> = {}) {
    this.#spawn = spawn;
    this.#o = { ...clientOptions, ...opts };
    this.#start();
  }

  get state(): ClientState {
    return this.#state;
  }

  /** Why the engine is not running ('failed' only). */
  get failure(): OpenFailure | undefined {
    return this.#failure;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Resolves once the engine is ready; rejects with the OpenFailure when it cannot be. */
  ready(): Promise<void> {
    if (this.#state === 'ready') return Promise.resolve();
    if (this.#state === 'failed') return Promise.reject(this.#failure);
    if (this.#state === 'closed') return Promise.reject(closedFailure());
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  onEvent(listener: (e: HostEvent) => void): () => void {
    this.#events.add(listener);
    return () => this.#events.delete(listener);
  }

  onState(listener: (s: ClientState) => void): () => void {
    this.#states.add(listener);
    return () => this.#states.delete(listener);
  }

  async call(method: unknown, args: unknown): Promise<Result<unknown>> {
    return (await this.#ask({ method, args })).result!;
  }

  async thumbFile(faceId: number): Promise<string | undefined> {
    return (await this.#ask({ file: 'thumb', key: faceId })).path ?? undefined;
  }

  async photoFile(photoId: number): Promise<string | undefined> {
    return (await this.#ask({ file: 'photo', key: photoId })).path ?? undefined;
  }

  /** Tells the engine the door could not send photo `photoId`'s file; answers what the engine found and recorded. */
  async photoFileFailed(photoId: number, code: string): Promise<ServedFileState> {
    return (await this.#ask({ fileFailed: { photoId, code } })).state ?? 'unknown';
  }

  async sourceFile(photoId: number): Promise<string | undefined> {
    return (await this.#ask({ file: 'source', key: photoId })).path ?? undefined;
  }

  async photoThumbFile(photoId: number): Promise<string | undefined> {
    return (await this.#ask({ file: 'photothumb', key: photoId })).path ?? undefined;
  }

  /** Asks the engine to close its library; kills it when it does not within closeTimeoutMs. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const child = this.#child;
    const wasReady = this.#state === 'ready';
    this.#setState('closed');
    for (const [id, p] of this.#pending) {
      if (!p.sent) {
        this.#pending.delete(id);
        p.resolve(engineError('Facelens is closing'));
      }
    }
    if (!child) return;
    const exited = new Promise<'exited'>((resolve) => child.onExit(() => resolve('exited')));
    try {
      if (wasReady) {
        const id = this.#next++;
        try {
          child.postMessage({ id, close: true });
        } catch {
          // the engine is gone already
        }
        if ((await within(exited, this.#o.closeTimeoutMs)) === 'exited') return;
      }
      // Busy in long work, or stuck in a system call: a worker thread ends at its next JavaScript instruction; one
      // blocked in a syscall cannot be ended from here, and the door decides what to do (serve.ts quits the process).
      child.kill();
      await within(exited, this.#o.closeTimeoutMs);
    } finally {
      for (const [id, p] of this.#pending) {
        this.#pending.delete(id);
        p.resolve(engineError('Facelens is closing'));
      }
    }
  }

  /** True once close() ended the engine (false when it had to give up waiting on it). */
  get ended(): boolean {
    return this.#child === undefined;
  }

  #ask(
    msg:
      | { method: unknown; args: unknown }
      | { file: FileKind; key: number }
      | { fileFailed: { photoId: number; code: string } },
  ): Promise<Answer> {
    if (this.#state === 'failed') return Promise.resolve(engineError(failureMessage(this.#failure!)));
    if (this.#state === 'closed') return Promise.resolve(engineError('Facelens is closing'));
    if (this.#pending.size >= this.#o.maxPending)
      return Promise.resolve({
        result: { ok: false, error: { code: 'busy', message: 'too many calls at once: try again in a moment' } },
        path: null,
      });
    const id = this.#next++;
    return new Promise((resolve) => {
      const p: Pending = { message: { ...msg, id } as ToEngine, resolve, sent: false };
      this.#pending.set(id, p);
      if (this.#state === 'ready') this.#post(id, p);
    });
  }

  #post(id: number, p: Pending): void {
    try {
      p.sent = true;
      this.#child!.postMessage(p.message);
    } catch (err) {
      this.#pending.delete(id);
      p.resolve({
        result: {
          ok: false,
          error: { code: 'invalid-args', message: `the call could not be sent to the engine (${(err as Error).name})` },
        },
        path: null,
      });
    }
  }

  #start(): void {
    let child: EngineChild;
    try {
      child = this.#spawn();
    } catch (err) {
      this.#fail({
        title: 'The Facelens engine could not start',
        cause: (err as Error).message,
        fix: 'Reinstall Facelens (npm ci) and start it again.',
        dbPath: '',
      });
      return;
    }
    this.#child = child;
    child.onMessage((m) => this.#onMessage(child, m));
    child.onExit((code) => this.#onExit(child, code));
  }

  #onMessage(child: EngineChild, m: FromEngine): void {
    if (child !== this.#child) return;
    if ('ready' in m) {
      this.#setState('ready');
      for (const w of this.#readyWaiters.splice(0)) w.resolve();
      for (const [id, p] of this.#pending) if (!p.sent) this.#post(id, p);
    } else if ('failed' in m) {
      this.#fail(m.failed);
    } else if ('event' in m) {
      for (const l of this.#events) l(m as HostEvent);
    } else if ('id' in m) {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      p?.resolve(m as Answer);
    }
  }

  #onExit(child: EngineChild, code: number | null): void {
    if (child !== this.#child) return;
    this.#child = undefined;
    if (this.#state === 'closed') return;
    const why = `the engine stopped unexpectedly (exit ${code ?? 'signal'})`;
    for (const [id, p] of this.#pending)
      if (p.sent) {
        this.#pending.delete(id);
        p.resolve(engineError(`${why}; it is being restarted: try again`));
      }
    if (this.#state === 'failed') return;
    const now = Date.now();
    while (this.#restarts.length && now - this.#restarts[0]! > this.#o.restartWindowMs) this.#restarts.shift();
    if (this.#restarts.length >= this.#o.maxRestarts) {
      this.#fail({
        title: 'The Facelens engine keeps stopping',
        cause: `it stopped ${this.#restarts.length + 1} times within ${Math.round(this.#o.restartWindowMs / 1000)} s (last: exit ${code ?? 'signal'})`,
        fix: 'Run `npx facelens doctor --repair` in the Facelens folder, then start Facelens again.',
        dbPath: '',
      });
      return;
    }
    this.#restarts.push(now);
    this.#setState('starting');
    this.#start();
  }

  #fail(f: OpenFailure): void {
    this.#failure = f;
    this.#setState('failed');
    for (const w of this.#readyWaiters.splice(0)) w.reject(f);
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.resolve(engineError(failureMessage(f)));
    }
  }

  #setState(s: ClientState): void {
    if (this.#state === s) return;
    this.#state = s;
    for (const l of this.#states) l(s);
  }
}

/** `p`'s value, or 'timeout' after `ms`; the timer never outlives the race (it would hold the process open). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function failureMessage(f: OpenFailure): string {
  return `${f.title}: ${f.cause}. ${f.fix}`;
}

function closedFailure(): OpenFailure {
  return { title: 'Facelens is closing', cause: 'the engine was closed', fix: 'Start Facelens again.', dbPath: '' };
}
