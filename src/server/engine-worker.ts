// Server (web door, worker thread): the engine off the server's event loop — one EngineHost answering the door's messages.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost } from '../engine/host/host.js';
import { serveHost } from '../engine/host/messages.js';
import { guardOptions } from './guard.js';
import { collectSoon } from './memory.js';

const port = parentPort!;
const { dbPath, checkResults } = workerData as { dbPath: string; checkResults: boolean };
/** Calls that carried an upload: once answered, this thread gives their memory back ([Note: memory after uploads]). */
const uploads = new Set<number>();
serveHost(
  {
    postMessage: (m) => {
      port.postMessage(m);
      if ('id' in m && uploads.delete(m.id)) collectSoon();
    },
    onMessage: (l) =>
      port.on('message', (m: { id?: unknown; method?: unknown }) => {
        if (typeof m?.id === 'number' && typeof m.method === 'string' && guardOptions.uploadMethods.has(m.method))
          uploads.add(m.id);
        l(m);
      }),
    close: () => port.close(),
  },
  EngineHost.open({ dbPath, door: 'web', checkResults }),
  dbPath,
);
