// Main (Electron utilityProcess; also a Node child for the tests): the engine off the main thread — one EngineHost answering the window's calls.
import { EngineHost } from '../engine/host/host.js';
import { serveHost, type EnginePort } from '../engine/host/messages.js';
import { defaultDbPath } from '../engine/paths.js';

/**
 * [Note: ML IPC] Decoding, detection, embedding, clustering and training take 100 ms to minutes; on Electron's
 * main process they would freeze the window. They run here, in a utilityProcess (a Node child Electron manages),
 * and speak [Note: engine messages] with main's EngineClient. The same file runs as a plain Node child
 * (child_process.fork) so the supervision can be tested where Electron's binary is absent.
 */
interface ElectronParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function parentPort(): EnginePort {
  const electron = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electron)
    return {
      postMessage: (m) => electron.postMessage(m),
      onMessage: (l) => electron.on('message', (e) => l(e.data)),
      close: () => process.exit(0),
    };
  if (!process.send) throw new Error('engine-process runs as a child of Electron main (or of a Node parent)');
  return {
    postMessage: (m) => process.send!(m),
    onMessage: (l) => process.on('message', l),
    close: () => process.disconnect(),
  };
}

const dbPath = process.env.FACELENS_DB ?? defaultDbPath();
serveHost(parentPort(), EngineHost.open({ dbPath, door: 'electron' }), dbPath);
