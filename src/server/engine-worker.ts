// Server (web door, worker thread): the engine off the server's event loop — one EngineHost answering the door's messages.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost } from '../engine/host/host.js';

/** Messages: {id, method, args} -> {id, result}; {id, file, key} -> {id, path}; {id, close} -> {id}; events -> {event, payload}. */
type Msg = { id: number; method?: unknown; args?: unknown; file?: 'thumb' | 'photo'; key?: number; close?: true };

const port = parentPort!;
const { dbPath, checkResults } = workerData as { dbPath: string; checkResults: boolean };
const opening = EngineHost.open({ dbPath, door: 'web', checkResults });

port.on('message', (msg: Msg) => {
  void opening.then(
    async (host) => {
      if (msg.close) {
        await host.close();
        port.postMessage({ id: msg.id });
        port.close();
      } else if (msg.file) {
        const path = msg.file === 'thumb' ? host.thumbFile(Number(msg.key)) : host.photoFile(Number(msg.key));
        port.postMessage({ id: msg.id, path: path ?? null });
      } else {
        port.postMessage({ id: msg.id, result: await host.call(msg.method, msg.args) });
      }
    },
    (err: unknown) =>
      port.postMessage({
        id: msg.id,
        result: {
          ok: false,
          error: { code: 'engine', message: `the library could not be opened: ${(err as Error).message}` },
        },
        path: null,
      }),
  );
});
void opening.then(
  (host) => {
    host.onEvent((e) => port.postMessage(e));
    port.postMessage({ ready: true });
  },
  (err: unknown) => port.postMessage({ failed: (err as Error).message }),
);
