// Engine (host): the engine side of every door (Electron's engine process, the web door's thread): check a contract call, run it on the facade, answer a Result.
import { z } from 'zod';
import {
  contract,
  events,
  isMethod,
  type EventName,
  type EventPayload,
  type HostEvent,
} from '../../shared/contract.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { Engine, type EngineOptions } from '../api/engine.js';
import { wireError } from '../api/errors.js';
import type { ServedFileState } from '../api/library.js';

export type { HostEvent } from '../../shared/contract.js';

export interface HostOptions {
  dbPath: string;
  door: 'electron' | 'web';
  /** Check every result against the contract too (tests and development; costs a parse per call). */
  checkResults?: boolean;
  engine?: EngineOptions;
  /** Watch the library's folders while the host runs (default true; [Note: watched folders]). */
  watch?: boolean;
}

/**
 * [Note: one host, two doors] Electron's utilityProcess and the web door both hold one EngineHost and pass it
 * (method name, raw args) exactly as they came off the wire. The host checks the name against the contract,
 * parses the args with the method's zod schema (defaults filled, unknown keys refused), runs the method on the
 * engine facade (see [Note: engine facade]), and answers a Result with the error map's code; it never throws.
 */
export class EngineHost {
  readonly #engine: Engine;
  readonly #opts: HostOptions;
  #closed = false;

  private constructor(engine: Engine, opts: HostOptions) {
    this.#engine = engine;
    this.#opts = opts;
  }

  static async open(opts: HostOptions): Promise<EngineHost> {
    const engine = Engine.open(opts.dbPath, { ...opts.engine, door: opts.door });
    if (opts.watch ?? true) engine.watch.start();
    // In the background: which execution provider loads here, so Settings can say (it costs one small model).
    void engine.probeInference().catch(() => undefined);
    return new EngineHost(engine, opts);
  }

  get engine(): Engine {
    return this.#engine;
  }

  async call(method: unknown, rawArgs: unknown): Promise<Result<unknown>> {
    if (this.#closed) return fail('engine', 'the library is closed');
    if (!isMethod(method)) return fail('unknown-method', `no method '${String(method).slice(0, 80)}' in the contract`);
    const parsed = contract[method].args.safeParse(rawArgs ?? {});
    if (!parsed.success) return fail('invalid-args', `${method}: ${z.prettifyError(parsed.error)}`);
    try {
      const value = await this.#engine.call(method, parsed.data as never);
      if (this.#opts.checkResults) {
        const checked = contract[method].result.safeParse(value);
        if (!checked.success)
          return fail('engine', `${method} answered outside the contract: ${z.prettifyError(checked.error)}`);
      }
      return ok(value);
    } catch (err) {
      return { ok: false, error: wireError(err) };
    }
  }

  /** Every event (job progress, library and people changes); returns the unsubscribe function. */
  onEvent(listener: (e: HostEvent) => void): () => void {
    return this.#engine.on(listener);
  }

  /** Sends an event to the doors after checking it against the contract (a malformed event is a bug: it throws). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    events[event].parse(payload);
    this.#engine.emit(event, payload);
  }

  /** The thumbnail JPEG of a face, when it exists inside the library's thumbs folder. */
  thumbFile(faceId: number): string | undefined {
    return this.#engine.library.thumbFile(faceId);
  }

  /**
   * What a door shows for a photo: its own file when it lies inside a folder the user added and a browser shows its
   * format, else a JPEG of it (HEIC, TIFF) ([Note: photo renditions]).
   */
  photoFile(photoId: number): Promise<string | undefined> {
    return this.#engine.photos.viewFile(photoId);
  }

  /** A photo's own file, when it lies inside a folder the user added (what "show in folder" reveals). */
  sourceFile(photoId: number): string | undefined {
    return this.#engine.library.photoFile(photoId);
  }

  /** A door could not send this photo's file: the engine looks again and records it ([Note: served files]). */
  photoFileFailed(photoId: number, _code: string): ServedFileState {
    if (this.#closed) return 'unknown';
    return this.#engine.library.photoFileFailed(photoId);
  }

  /** A photo's grid thumbnail (JPEG), made on the first request. */
  photoThumbFile(photoId: number): Promise<string | undefined> {
    return this.#engine.photos.thumbFile(photoId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#engine.close();
  }
}
