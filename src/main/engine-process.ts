// Main (Electron utilityProcess): the engine off the main thread — one EngineHost answering contract calls and file lookups over the parent port.
import { EngineHost } from '../engine/host/host.js';
import { defaultDbPath } from '../engine/paths.js';

/**
 * [Note: ML IPC] Decoding, detection, embedding, clustering and training take 100 ms to minutes; on Electron's
 * main process they would freeze the window. They run here, in a utilityProcess (a Node child Electron manages),
 * and talk to main by messages: {id, method, args} -> {id, result}; {id, file: 'thumb'|'photo', key} -> {id, path};
 * events flow out as {event, payload}. The host validates again, so this process trusts nothing it is sent.
 */
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
// Listen before the library opens, so no message sent meanwhile is lost; each one waits for the host.
const opening = EngineHost.open({ dbPath: process.env.FACELENS_DB ?? defaultDbPath(), door: 'electron' });

port.on('message', ({ data }) => {
  const msg = data as { id: number; method?: unknown; args?: unknown; file?: 'thumb' | 'photo'; key?: number };
  void opening.then(
    async (host) => {
      if (msg.file) {
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
      }),
  );
});
const host = await opening;
host.onEvent((e) => port.postMessage(e));
port.postMessage({ ready: true });
