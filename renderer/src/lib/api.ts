// Renderer: the typed API of the contract over whichever door carried the app (Electron preload or the web door).
import type { Api, EventName, EventPayload, Method } from '../../../src/shared/contract';
import { unwrap, type Result } from '../../../src/shared/result';

/** What the Electron preload exposes as window.facelens: `api.<namespace>.<verb>(args)` answering Results, events, files. */
interface Preload {
  api: Record<string, Record<string, (args: unknown) => Promise<Result<unknown>>>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  thumbUrl(faceId: number): string;
  photoUrl(photoId: number): string;
  photoThumbUrl(photoId: number): string;
  pickFolders(): Promise<string[]>;
  pathsOfDrop(files: File[]): string[];
  showInFolder(photoId: number): Promise<Result<{ path: string }>>;
}

/** One door, whichever carried the app. */
interface Bridge {
  call(method: Method, args: unknown): Promise<Result<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  thumbUrl(faceId: number): string;
  photoUrl(photoId: number): string;
  photoThumbUrl(photoId: number): string;
  pickFolders?: () => Promise<string[]>;
  pathsOfDrop?: (files: File[]) => string[];
  showInFolder?: (photoId: number) => Promise<Result<{ path: string }>>;
}

declare global {
  interface Window {
    facelens?: Preload;
  }
}

function webBridge(): Bridge {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('t');
  if (fromUrl) {
    sessionStorage.setItem('facelens-token', fromUrl);
    url.searchParams.delete('t');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const token = sessionStorage.getItem('facelens-token') ?? '';
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let socket: WebSocket | undefined;
  const connect = () => {
    socket = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/events?t=${encodeURIComponent(token)}`,
    );
    socket.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: string; payload: unknown };
      for (const l of listeners.get(event) ?? []) l(payload);
    };
    socket.onclose = () => setTimeout(connect, 1000);
  };
  connect();
  return {
    async call(method, args) {
      const res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ args }),
      });
      return (await res.json()) as Result<unknown>;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    thumbUrl: (id) => `/thumb/${id}?t=${encodeURIComponent(token)}`,
    photoUrl: (id) => `/photo/${id}?t=${encodeURIComponent(token)}`,
    photoThumbUrl: (id) => `/photothumb/${id}?t=${encodeURIComponent(token)}`,
  };
}

function electronBridge(p: Preload): Bridge {
  return {
    call: (method, args) => {
      const [ns, verb] = method.split('.') as [string, string];
      const fn = p.api[ns]?.[verb];
      return fn ? fn(args) : Promise.resolve({ ok: false, error: { code: 'unknown-method', message: method } });
    },
    on: p.on,
    thumbUrl: p.thumbUrl,
    photoUrl: p.photoUrl,
    photoThumbUrl: p.photoThumbUrl,
    pickFolders: p.pickFolders,
    pathsOfDrop: p.pathsOfDrop,
    showInFolder: p.showInFolder,
  };
}

/**
 * The door that carried the app, as the rest of the renderer sees it: the typed api, and the door's files and
 * folder pickers. main.ts opens it once; nothing connects at import time (see [Note: state takes its api]).
 */
export interface Door {
  kind: 'electron' | 'web';
  api: Api;
  thumbUrl(faceId: number): string;
  photoUrl(photoId: number): string;
  /** A photo's grid thumbnail (a small JPEG the engine makes on first request). */
  photoThumbUrl(photoId: number): string;
  pickFolders?: () => Promise<string[]>;
  pathsOfDrop?: (files: File[]) => string[];
  /** Reveals a photo's file in the system's file manager: the desktop app only (a browser cannot). */
  showInFolder?: (photoId: number) => Promise<string>;
}

/** Opens the door that carried the app (the web door connects its event socket here). */
export function openDoor(): Door {
  const preload = window.facelens;
  const bridge = preload ? electronBridge(preload) : webBridge();
  return {
    kind: preload ? 'electron' : 'web',
    api: apiOf(bridge),
    thumbUrl: (faceId) => bridge.thumbUrl(faceId),
    photoUrl: (photoId) => bridge.photoUrl(photoId),
    photoThumbUrl: (photoId) => bridge.photoThumbUrl(photoId),
    pickFolders: bridge.pickFolders,
    pathsOfDrop: bridge.pathsOfDrop,
    showInFolder: bridge.showInFolder ? async (photoId) => unwrap(await bridge.showInFolder!(photoId)).path : undefined,
  };
}

/** `api.people.merge({...})` over a bridge: the value, or an ApiError with the engine's code. */
export function apiOf(bridge: Pick<Bridge, 'call' | 'on'>): Api {
  return new Proxy({} as Api, {
    get(_t, ns: string) {
      if (ns === 'on')
        return <E extends EventName>(event: E, l: (p: EventPayload<E>) => void) =>
          bridge.on(event, l as (p: unknown) => void);
      return new Proxy(
        {},
        {
          get: (_u, verb: string) => async (args?: unknown) =>
            unwrap(await bridge.call(`${ns}.${verb}` as Method, args ?? {})),
        },
      );
    },
  });
}
