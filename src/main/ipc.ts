// Main (Electron): the one IPC wrapper — every contract channel checks its sender and validates its args with zod before the engine sees them.
import { z } from 'zod';
import { contract, isMethod, METHODS, type Method } from '../shared/contract.js';
import { fail, type Result } from '../shared/result.js';

/** IPC channel of a contract method (one channel per method; no generic send). */
export const channelOf = (m: Method) => `facelens:${m}`;
export const METHODS_CHANNEL = 'facelens:methods';
export const PICK_FOLDERS_CHANNEL = 'facelens:pickFolders';
export const PICK_FILE_CHANNEL = 'facelens:pickFile';
export const DROPPED_CHANNEL = 'facelens:dropped';

/**
 * Contract methods the window's renderer may not call: choosing paths is main's ([Note: paths are capabilities]);
 * the renderer gets paths only from main's dialogs and from files the user dropped (see registerPickers).
 */
export const MAIN_ONLY: ReadonlySet<Method> = new Set<Method>(['files.choose']);
/** What the renderer sees of the contract. */
export const RENDERER_METHODS: readonly Method[] = METHODS.filter((m) => !MAIN_ONLY.has(m));

/** What main knows about the frame that sent a message (Electron's IpcMainInvokeEvent.senderFrame). */
export interface SenderInfo {
  url: string | undefined;
  /** Is this frame the top frame of a window the app created? */
  isAppWindow: boolean;
}

/**
 * [Note: sender check] Only the top frame of a window this app created, showing the app's own pages
 * (facelens://app/...), may call the engine. A frame navigated elsewhere, an iframe, or a webview is refused
 * even though navigation is denied too: two locks, as Electron's security checklist asks ("validate the sender
 * of all IPC messages").
 */
export function trustedSender(s: SenderInfo, appOrigin = 'facelens://app'): boolean {
  if (!s.isAppWindow || !s.url) return false;
  try {
    const u = new URL(s.url);
    return `${u.protocol}//${u.host}` === appOrigin;
  } catch {
    return false;
  }
}

/** Checks one call at the IPC boundary: the sender, the method name and the args; the parsed args on success. */
export function checkCall(
  method: unknown,
  args: unknown,
  sender: SenderInfo,
): Result<{ method: Method; args: unknown }> {
  if (!trustedSender(sender)) return fail('unauthorized', 'this frame may not call Facelens');
  if (!isMethod(method)) return fail('unknown-method', `no method '${String(method).slice(0, 80)}'`);
  if (MAIN_ONLY.has(method)) return fail('unauthorized', `${method} is done by the window's own dialogs`);
  const parsed = contract[method].args.safeParse(args ?? {});
  if (!parsed.success) return fail('invalid-args', `${method}: ${z.prettifyError(parsed.error)}`);
  return { ok: true, value: { method, args: parsed.data } };
}

/** What main's handlers get of an IPC event (Electron's IpcMainEvent / IpcMainInvokeEvent). */
export interface IpcEventLike {
  senderFrame: { url: string; parent: unknown } | null;
  sender: { id: number };
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike & { returnValue: unknown }) => void): void;
}

/** [Note: sender check] for one event: its frame, whether it is the top frame of the app's window. */
export function senderOf(event: IpcEventLike, isAppWebContents: (id: number) => boolean): SenderInfo {
  const frame = event.senderFrame;
  return { url: frame?.url, isAppWindow: !!frame && frame.parent === null && isAppWebContents(event.sender.id) };
}

/**
 * Registers one handler per contract method; each checks and forwards to the engine process. Every channel main
 * listens on goes through [Note: sender check]: the method list too (an untrusted frame hears an empty list).
 */
export function registerContract(
  ipc: IpcMainLike,
  isAppWebContents: (id: number) => boolean,
  forward: (method: Method, args: unknown) => Promise<Result<unknown>>,
): void {
  ipc.on(METHODS_CHANNEL, (event) => {
    event.returnValue = trustedSender(senderOf(event, isAppWebContents)) ? RENDERER_METHODS : [];
  });
  for (const m of RENDERER_METHODS) {
    ipc.handle(channelOf(m), async (event, args) => {
      const checked = checkCall(m, args, senderOf(event, isAppWebContents));
      if (!checked.ok) return checked;
      return forward(checked.value.method, checked.value.args);
    });
  }
}

/**
 * The dialogs (folders to add, a pairs file or folder) and the paths of files the user dropped, for the app's own
 * top frame only (anything else gets no dialog and no paths). Each path the user gave this way is chosen for the
 * engine (`choose`: files.choose) before the renderer hears it, so the renderer can hand it on.
 */
export function registerPickers(
  ipc: IpcMainLike,
  isAppWebContents: (id: number) => boolean,
  dialogs: { folders: () => Promise<string[]>; file: () => Promise<string[]> },
  choose: (paths: string[]) => Promise<string[]>,
): void {
  const trusted = (event: IpcEventLike) => trustedSender(senderOf(event, isAppWebContents));
  const picked = (pick: () => Promise<string[]>) => async (event: IpcEventLike) =>
    trusted(event) ? choose(await pick()) : [];
  ipc.handle(PICK_FOLDERS_CHANNEL, picked(dialogs.folders));
  ipc.handle(PICK_FILE_CHANNEL, picked(dialogs.file));
  ipc.handle(DROPPED_CHANNEL, async (event, paths) => {
    if (!trusted(event) || !Array.isArray(paths)) return [];
    const clean = paths.filter((p): p is string => typeof p === 'string' && p.length > 0 && p.length <= 4096);
    return clean.length ? choose(clean.slice(0, 100)) : [];
  });
}
