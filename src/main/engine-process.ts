// Main (Electron utilityProcess): the engine off the main thread — one EngineHost answering contract calls and file lookups over the parent port.
import { EngineHost } from '../engine/host/host.js';
import { answer, type HostRequest } from '../engine/host/messages.js';
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
  void answer(opening, data as HostRequest).then((reply) => port.postMessage(reply));
});
const host = await opening;
host.onEvent((e) => port.postMessage(e));
port.postMessage({ ready: true });
