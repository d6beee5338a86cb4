// Main (Electron): the one IPC wrapper — every contract channel checks its sender and validates its args with zod before the engine sees them.
import { z } from 'zod';
import { contract, isMethod, METHODS, type Method } from '../shared/contract.js';
import { fail, type Result } from '../shared/result.js';

/** IPC channel of a contract method (one channel per method; no generic send). */
export const channelOf = (m: Method) => `facelens:${m}`;
export const METHODS_CHANNEL = 'facelens:methods';
export const PICK_FOLDERS_CHANNEL = 'facelens:pickFolders';

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
    event.returnValue = trustedSender(senderOf(event, isAppWebContents)) ? METHODS : [];
  });
  for (const m of METHODS) {
    ipc.handle(channelOf(m), async (event, args) => {
      const checked = checkCall(m, args, senderOf(event, isAppWebContents));
      if (!checked.ok) return checked;
      return forward(checked.value.method, checked.value.args);
    });
  }
}

/** The folder dialog, for the app's own top frame only (anything else gets no dialog and no paths). */
export function registerFolderPicker(
  ipc: IpcMainLike,
  isAppWebContents: (id: number) => boolean,
  pick: () => Promise<string[]>,
): void {
  ipc.handle(PICK_FOLDERS_CHANNEL, (event) =>
    trustedSender(senderOf(event, isAppWebContents)) ? pick() : Promise.resolve([]),
  );
}
