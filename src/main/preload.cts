// Preload (Electron, sandboxed): exposes window.facelens — a namespaced API built from the contract's method names, events, folder drop/pick, show in folder.
import { contextBridge, ipcRenderer, webUtils } from 'electron';

/**
 * A sandboxed preload cannot import the contract module, so it asks main once for the method names (which main
 * takes from src/shared/contract.ts) and builds `api.<namespace>.<verb>(args)` from them: one IPC channel per
 * method, no generic send. Calls answer Results; the renderer rethrows errors (see [Note: errors cross the boundary]).
 */
const methods = ipcRenderer.sendSync('facelens:methods') as string[];
const api: Record<string, Record<string, (args?: unknown) => Promise<unknown>>> = {};
for (const m of methods) {
  const [ns, verb] = m.split('.') as [string, string];
  (api[ns] ??= {})[verb] = (args?: unknown) => ipcRenderer.invoke(`facelens:${m}`, args ?? {});
}
const EVENTS = new Set(['job.progress', 'library.changed', 'people.changed']);

contextBridge.exposeInMainWorld('facelens', {
  api,
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!EVENTS.has(event)) throw new Error(`unknown event ${event}`);
    const wrapped = (_e: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(`facelens:event:${event}`, wrapped);
    return () => void ipcRenderer.removeListener(`facelens:event:${event}`, wrapped);
  },
  thumbUrl: (faceId: number) => `facelens://thumb/${Math.trunc(faceId)}`,
  photoUrl: (photoId: number) => `facelens://photo/${Math.trunc(photoId)}`,
  photoThumbUrl: (photoId: number) => `facelens://photothumb/${Math.trunc(photoId)}`,
  showInFolder: (photoId: number): Promise<unknown> => ipcRenderer.invoke('facelens:showInFolder', photoId),
  pickFolders: (): Promise<string[]> => ipcRenderer.invoke('facelens:pickFolders'),
  pickFile: (): Promise<string[]> => ipcRenderer.invoke('facelens:pickFile'),
  // Only files that came from the user's disk have a path; main makes them the engine's to read.
  pathsOfDrop: (files: File[]): Promise<string[]> =>
    ipcRenderer.invoke('facelens:dropped', files.map((f) => webUtils.getPathForFile(f)).filter(Boolean)),
});
