// Main (Electron): "Show in folder" — one IPC channel that reveals a photo's file in the system's file manager; it takes a photo id, never a path.
import { Id } from '../shared/schemas.js';
import { fail, ok, type Result } from '../shared/result.js';
import { trustedSender, type IpcMainLike } from './ipc.js';

export const REVEAL_CHANNEL = 'facelens:showInFolder';

/**
 * [Note: show in folder] The renderer asks to reveal a photo by its id. Main checks the sender as every channel
 * does ([Note: sender check]), asks the engine for the photo's own file (one that lies inside a folder the user
 * added, [Note: no path outside]) and hands that to the shell (Electron's shell.showItemInFolder). A renderer can
 * therefore never make main open or reveal a path of its choosing. The web door has no such power: a browser
 * cannot open the user's file manager, and the viewer says so there.
 */
export function registerReveal(
  ipc: Pick<IpcMainLike, 'handle'>,
  isAppWebContents: (id: number) => boolean,
  sourceFile: (photoId: number) => Promise<string | undefined>,
  show: (path: string) => void,
): void {
  ipc.handle(REVEAL_CHANNEL, async (event, photoId): Promise<Result<{ path: string }>> => {
    const frame = event.senderFrame;
    const sender = {
      url: frame?.url,
      isAppWindow: !!frame && frame.parent === null && isAppWebContents(event.sender.id),
    };
    if (!trustedSender(sender)) return fail('unauthorized', 'this frame may not call Facelens');
    const id = Id.safeParse(photoId);
    if (!id.success) return fail('invalid-args', 'showInFolder takes a photo id (a positive integer)');
    const path = await sourceFile(id.data);
    if (!path) return fail('not-found', `photo ${id.data} has no file inside the library's folders now`);
    show(path);
    return ok({ path });
  });
}
