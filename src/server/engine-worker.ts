// Server (web door, worker thread): the engine off the server's event loop — one EngineHost answering the door's messages.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost } from '../engine/host/host.js';
import { answer, type HostRequest } from '../engine/host/messages.js';

/** Requests as in host/messages.ts, plus {id, close} -> {id}. */
type Msg = HostRequest & { close?: true };

const port = parentPort!;
const { dbPath, checkResults } = workerData as { dbPath: string; checkResults: boolean };
const opening = EngineHost.open({ dbPath, door: 'web', checkResults });

port.on('message', (msg: Msg) => {
  if (msg.close) {
    void opening.then(
      async (host) => {
        await host.close();
        port.postMessage({ id: msg.id });
        port.close();
      },
      () => port.postMessage({ id: msg.id }),
    );
    return;
  }
  void answer(opening, msg).then((reply) => port.postMessage(reply));
});
void opening.then(
  (host) => {
    host.onEvent((e) => port.postMessage(e));
    port.postMessage({ ready: true });
  },
  (err: unknown) => port.postMessage({ failed: (err as Error).message }),
);
