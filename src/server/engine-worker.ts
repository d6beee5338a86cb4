// Server (web door, worker thread): the engine off the server's event loop — one EngineHost answering the door's messages.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost } from '../engine/host/host.js';
import { serveHost } from '../engine/host/messages.js';

const port = parentPort!;
const { dbPath, checkResults } = workerData as { dbPath: string; checkResults: boolean };
serveHost(
  {
    postMessage: (m) => port.postMessage(m),
    onMessage: (l) => port.on('message', l),
    close: () => port.close(),
  },
  EngineHost.open({ dbPath, door: 'web', checkResults }),
  dbPath,
);
