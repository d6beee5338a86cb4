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
  pickFile(): Promise<string[]>;
  pathsOfDrop(files: File[]): Promise<string[]>;
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
  pickFile?: () => Promise<string[]>;
  pathsOfDrop?: (files: File[]) => Promise<string[]>;
  showInFolder?: (photoId: number) => Promise<Result<{ path: string }>>;
}

declare global {
  interface Window {
    facelens?: Preload;
  }
}

function webBridge(): Bridge {
  // [Note: token out of URLs] The address carries the token in its fragment (`/#t=TOKEN`, optionally `&/page`): read
  // once, kept in this tab's sessionStorage, and dropped from the address and history at once. Calls send it in a
  // header; photos, thumbnails and the event socket ride on the HttpOnly cookie POST /session sets. An address with
  // the token opened in a tab already showing the app (a fragment change, no reload) is taken the same way.
  let headers: Record<string, string> = {};
  let session: Promise<unknown> = Promise.resolve();
  const adopt = (): void => {
    const opened = /^#t=([^&]*)(?:&(.*))?$/.exec(location.hash);
    if (opened) {
      sessionStorage.setItem('facelens-token', decodeURIComponent(opened[1]!));
      history.replaceState(null, '', location.pathname + location.search + (opened[2] ? `#${opened[2]}` : ''));
    }
    const token = sessionStorage.getItem('facelens-token') ?? '';
    headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
    // Every call waits for the cookie, so no image is asked for before the session can open it.
    session = fetch('/session', { method: 'POST', headers, body: '{}', credentials: 'same-origin' }).catch(
      () => undefined,
    );
    if (opened) window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  adopt();
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#t=')) adopt();
  });
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const connect = () => {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/events`);
    socket.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: string; payload: unknown };
      for (const l of listeners.get(event) ?? []) l(payload);
    };
    socket.onclose = () => setTimeout(connect, 1000);
  };
  void session.then(connect);
  return {
    async call(method, args) {
      await session;
      const res = await fetch(`/api/${method}`, { method: 'POST', headers, body: JSON.stringify({ args }) });
      return (await res.json()) as Result<unknown>;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    thumbUrl: (id) => `/thumb/${id}`,
    photoUrl: (id) => `/photo/${id}`,
    photoThumbUrl: (id) => `/photothumb/${id}`,
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
    pickFile: p.pickFile,
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
  pickFile?: () => Promise<string[]>;
  pathsOfDrop?: (files: File[]) => Promise<string[]>;
  /**
   * Makes typed paths ones the user chose, so the engine may open them ([Note: paths are capabilities]): the web
   * door confirms them with files.choose; the window's paths come from its dialogs and drops, chosen by main
   * already (a typed path there is refused by the engine, with a message that says to use Choose…).
   */
  choose(paths: string[]): Promise<string[]>;
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
    pickFile: bridge.pickFile,
    pathsOfDrop: bridge.pathsOfDrop,
    choose: async (paths) => {
      if (preload || !paths.length) return paths;
      const api = apiOf(bridge);
      return (await api.files.choose({ paths })).map((c) => c.path);
    },
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
