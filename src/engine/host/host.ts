// Engine (host): dispatches contract calls from any door (Electron IPC, web door) to the engine: validate, run, answer a Result.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { thumbPath, thumbsDir } from '../library/thumbs.js';
import { z } from 'zod';
import type { Db } from '../store/db.js';
import { Engine, type EngineOptions } from '../engine.js';
import {
  contract,
  events,
  isMethod,
  METHODS,
  type EventName,
  type EventPayload,
  type Method,
} from '../../shared/contract.js';
import { fail, ok, toWireError, type Result } from '../../shared/result.js';
import type { Handlers, HostContext, RunningJob } from './context.js';
import { baseHandlers } from './handlers-base.js';
import { engineHandlers } from './handlers-engine.js';
import { containedFile, photoFile } from './files.js';
import { loadSettings, saveSettings } from './settings.js';

export interface HostOptions {
  dbPath: string;
  door: 'electron' | 'web';
  /** Check every result against the contract too (tests and development; costs a parse per call). */
  checkResults?: boolean;
  engine?: EngineOptions;
}

export type HostEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/**
 * [Note: one host, two doors] Electron's utilityProcess and the web door both hold one EngineHost and pass it
 * (method name, raw args) exactly as they came off the wire. The host checks the name against the contract,
 * parses the args with the method's zod schema (defaults filled, unknown keys refused), runs the handler, and
 * answers a Result; it never throws. A method whose engine part is missing answers 'not-available'.
 */
export class EngineHost {
  readonly #db: Db;
  readonly #engine: Engine;
  readonly #opts: HostOptions;
  readonly #emitter = new EventEmitter();
  readonly #jobs = new Map<string, RunningJob>();
  readonly #handlers: Handlers;
  readonly #ctx: HostContext;
  #closed = false;

  private constructor(engine: Engine, opts: HostOptions, extra: Handlers) {
    const db = engine.db;
    this.#engine = engine;
    this.#db = db;
    this.#opts = opts;
    this.#emitter.setMaxListeners(100);
    this.#handlers = {
      ...baseHandlers(
        () => this.available(),
        () => {
          // The provider in use and, when a GPU provider could not load, why (see [Note: execution providers]).
          const { backend, inference } = engine.stats();
          const why = inference.fallbacks.map((f) => `${f.provider} unavailable: ${f.error}`).join('; ');
          return why ? `${backend} (${why})` : backend;
        },
      ),
      ...extra,
    };
    const emitter = this.#emitter;
    this.#ctx = {
      db,
      dbPath: opts.dbPath,
      door: opts.door,
      settings: () => loadSettings(db),
      saveSettings: (s) => saveSettings(db, s),
      emit: (event, payload) => emitter.emit('event', { event, payload } as HostEvent),
      jobs: this.#jobs,
      newJobId: (kind) => `${kind}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
    };
  }

  static async open(opts: HostOptions): Promise<EngineHost> {
    const engine = Engine.open(opts.dbPath, opts.engine);
    // In the background: which execution provider loads here, so the Settings page can say (it costs one small model).
    void engine.probeInference().catch(() => undefined);
    return new EngineHost(engine, opts, await engineHandlers(engine));
  }

  /** Methods with a handler in this build. */
  available(): Method[] {
    return METHODS.filter((m) => this.#handlers[m] !== undefined);
  }

  async call(method: unknown, rawArgs: unknown): Promise<Result<unknown>> {
    if (this.#closed) return fail('engine', 'the library is closed');
    if (!isMethod(method)) return fail('unknown-method', `no method '${String(method).slice(0, 80)}' in the contract`);
    const parsed = contract[method].args.safeParse(rawArgs ?? {});
    if (!parsed.success) return fail('invalid-args', `${method}: ${z.prettifyError(parsed.error)}`);
    const handler = this.#handlers[method] as ((a: unknown, c: HostContext) => unknown) | undefined;
    if (!handler)
      return fail('not-available', `${method} is not available yet: its part of the engine is not in this build`);
    try {
      const value = await handler(parsed.data, this.#ctx);
      if (this.#opts.checkResults) {
        const checked = contract[method].result.safeParse(value);
        if (!checked.success)
          return fail('engine', `${method} answered outside the contract: ${z.prettifyError(checked.error)}`);
      }
      return ok(value);
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  }

  /** Every event (job progress, library and people changes); returns the unsubscribe function. */
  onEvent(listener: (e: HostEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }

  /** Emits an event after checking it against the contract (a malformed event is a bug: it throws). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    events[event].parse(payload);
    this.#ctx.emit(event, payload);
  }

  /** The thumbnail JPEG of a face, when it exists inside the library's thumbs folder. */
  thumbFile(faceId: number): string | undefined {
    if (!Number.isSafeInteger(faceId) || faceId <= 0) return undefined;
    return containedFile(thumbsDir(this.#opts.dbPath), thumbPath(this.#opts.dbPath, faceId));
  }

  /** A photo's file, when it lies inside a folder the user added. */
  photoFile(photoId: number): string | undefined {
    return photoFile(this.#db, photoId);
  }

  get db(): Db {
    return this.#db;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#jobs.values()) job.cancel();
    this.#emitter.removeAllListeners();
    await this.#engine.close();
  }
}
