// Engine (host): the message protocol between a door and its off-main engine (the web door's worker thread, Electron's utilityProcess), and the engine side of it.
import type { ServedFileState } from '../api/library.js';
import { describeOpenError, openFailureText, type OpenFailure } from './open-error.js';
export type { HostEvent } from '../../shared/contract.js';

/**
 * [Note: engine messages] Door -> engine: {id, method, args} a contract call; {id, file: FileKind, key} a file
 * lookup; {id, fileFailed: {photoId, code}} the door could not send that photo's file (`code`: the open's errno, or
 * 'ENOENT' when the lookup found no file; see [Note: served files]); {id, close: true} close the library. Engine ->
 * door: {id, result} / {id, path} / {id, state} / {id} answers, {event, payload} events, and once at start either
 * {ready: true} or {failed: OpenFailure}. The engine trusts nothing it is sent: the host validates every call again
 * (see [Note: one host, two doors]) and looks at a failed file itself.
 */
/**
 * The files a door may ask for, each by a positive integer: a face's thumbnail, a photo as a browser shows it, a
 * photo's grid thumbnail, a photo's own file (Electron's "show in folder").
 */
export type FileKind = 'thumb' | 'photo' | 'photothumb' | 'source';

export type ToEngine =
  | { id: number; method: unknown; args?: unknown }
  | { id: number; file: FileKind; key: number }
  | { id: number; fileFailed: { photoId: number; code: string } }
  | { id: number; close: true };

export type FromEngine =
  | { id: number; result?: unknown; path?: string | null; state?: ServedFileState }
  | { event: string; payload: unknown }
  | { ready: true }
  | { failed: OpenFailure };

/** What the engine side needs of its transport (worker_threads' parentPort, Electron's parentPort, process.send). */
export interface EnginePort {
  postMessage(message: FromEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Ends the transport after the library closed (the process or thread then exits by itself). */
  close(): void;
}

/** What serveHost needs of an open host. */
export interface Answering {
  call(method: unknown, args: unknown): Promise<unknown>;
  thumbFile(faceId: number): string | undefined;
  photoFile(photoId: number): Promise<string | undefined>;
  photoThumbFile(photoId: number): Promise<string | undefined>;
  sourceFile(photoId: number): string | undefined;
  /** The door could not send this photo's file: look again and record what is found ([Note: served files]). */
  photoFileFailed?(photoId: number, code: string): ServedFileState;
  onEvent(listener: (e: { event: string; payload: unknown }) => void): () => void;
  close(): Promise<void>;
}

function isRequest(m: unknown): m is ToEngine {
  return typeof m === 'object' && m !== null && Number.isSafeInteger((m as { id?: unknown }).id);
}

/**
 * The engine side: answers the door's messages once the host has opened. Listens before the library opens, so no
 * message sent meanwhile is lost; when it cannot open, says why once ({failed}) and answers every call with it.
 */
export function serveHost(port: EnginePort, opening: Promise<Answering>, dbPath: string): void {
  let failure: OpenFailure | undefined;
  const ready = opening.then(
    (host) => {
      host.onEvent((e) => port.postMessage(e));
      port.postMessage({ ready: true });
      return host;
    },
    (err: unknown) => {
      failure = describeOpenError(err, dbPath);
      port.postMessage({ failed: failure });
      return undefined;
    },
  );
  port.onMessage((m) => {
    if (!isRequest(m)) return;
    void ready.then(async (host) => {
      if ('close' in m) {
        await host?.close().catch(() => undefined);
        port.postMessage({ id: m.id });
        port.close();
        return;
      }
      if (!host) {
        const error = { code: 'engine', message: `the library could not be opened: ${openFailureText(failure!)}` };
        port.postMessage({ id: m.id, result: { ok: false, error }, path: null });
        return;
      }
      if ('fileFailed' in m) {
        const f = m.fileFailed as { photoId?: unknown; code?: unknown } | null;
        const state =
          f && typeof f === 'object' && host.photoFileFailed
            ? host.photoFileFailed(Number(f.photoId), String(f.code).slice(0, 40))
            : 'unknown';
        port.postMessage({ id: m.id, state });
        return;
      }
      if ('file' in m) {
        const key = Number(m.key);
        const path =
          m.file === 'thumb'
            ? host.thumbFile(key)
            : m.file === 'photo'
              ? await host.photoFile(key)
              : m.file === 'photothumb'
                ? await host.photoThumbFile(key)
                : m.file === 'source'
                  ? host.sourceFile(key)
                  : undefined;
        port.postMessage({ id: m.id, path: path ?? null });
        return;
      }
      port.postMessage({ id: m.id, result: await host.call(m.method, m.args) });
    });
  });
}
