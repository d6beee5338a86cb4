// Server (web door): the engine host in a worker thread, so imports, re-clusters and evaluations never stall HTTP or the event socket.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EngineClient, type EngineChild } from '../engine/host/client.js';
import type { HostEvent } from '../engine/host/messages.js';
import type { ServedFileState } from '../engine/api/library.js';
import { openFailureText } from '../engine/host/open-error.js';
import type { Result } from '../shared/result.js';

/** What a door needs from the engine, in this process or another thread. */
export interface DoorHost {
  call(method: unknown, args: unknown): Promise<Result<unknown>>;
  onEvent(listener: (e: HostEvent) => void): () => void;
  thumbFile(faceId: number): string | undefined | Promise<string | undefined>;
  photoFile(photoId: number): string | undefined | Promise<string | undefined>;
  /** The door could not send this photo's file ([Note: served files]); what the engine found. */
  photoFileFailed?(photoId: number, code: string): ServedFileState | Promise<ServedFileState>;
  photoThumbFile(photoId: number): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * [Note: web door thread] The web door serves many small requests while the engine runs long synchronous
 * work (clustering 100k faces, re-embedding, evaluating pairs). The host lives in a worker thread, supervised by
 * the same EngineClient Electron's main uses for its utilityProcess (see [Note: engine supervision]). From .ts
 * sources (tsx) a small bootstrap registers tsx inside the worker first (see arcface/train-thread.ts).
 */
export function workerChild(workerData: { dbPath: string; checkResults: boolean }): EngineChild {
  const ext = extname(fileURLToPath(import.meta.url)) || '.js';
  const url = new URL(`./engine-worker${ext}`, import.meta.url);
  const worker = url.pathname.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, {
        eval: true,
        workerData,
      })
    : new Worker(url, { workerData });
  worker.on('error', () => undefined); // an uncaught error ends the thread: 'exit' follows and the client restarts it
  return {
    postMessage: (m) => worker.postMessage(m),
    onMessage: (l) => worker.on('message', l),
    onExit: (l) => worker.once('exit', l),
    kill: () => void worker.terminate(),
  };
}

/** Starts the engine thread on a library; resolves once it has opened, or rejects saying why it cannot. */
export async function openThreadHost(o: { dbPath: string; checkResults?: boolean }): Promise<EngineClient> {
  const client = new EngineClient(() => workerChild({ dbPath: o.dbPath, checkResults: o.checkResults ?? false }));
  try {
    await client.ready();
  } catch (failure) {
    await client.close();
    throw new Error(openFailureText(failure as Parameters<typeof openFailureText>[0]));
  }
  return client;
}
