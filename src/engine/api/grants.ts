// Engine (api): which paths a door may hand the engine — the library's folders, and what the user chose in this session.
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError } from '../../shared/result.js';
import { isInside } from '../contained.js';
import { FolderStore } from '../store/folders.js';
import type { Db } from '../store/db.js';

/**
 * [Note: paths are capabilities] A path that crosses a door (a pairs file, a labels folder, a folder to add) is not
 * a string to open: it must lie in a folder of the library or be one the user chose in this session (a dialog or a
 * drop in the window, a path typed and confirmed in the web door: `files.choose`). Anything else is refused with
 * one message before the file system is touched, so the answer says nothing of what exists; a chosen path is then
 * followed through its links and checked again, so a link cannot lead outside. The window's renderer cannot choose
 * (Electron's main does it for its dialogs and drops, see src/main/ipc.ts), and the command line, the user's own
 * shell, calls the facade's own operations, which take paths as they are.
 */
export class Grants {
  /** Chosen paths, as given (resolved) and as their real paths, with their kind. */
  readonly #chosen: { given: string; real: string; kind: 'file' | 'folder' }[] = [];

  constructor(private readonly db: Db) {}

  /** Records paths the user chose; each must exist. */
  async choose(paths: readonly string[]): Promise<{ path: string; kind: 'file' | 'folder' }[]> {
    const out: { path: string; kind: 'file' | 'folder' }[] = [];
    for (const p of paths) {
      const given = resolve(p);
      let real: string;
      let kind: 'file' | 'folder';
      try {
        real = await realpath(given);
        const st = await stat(real);
        if (!st.isFile() && !st.isDirectory()) throw new Error('not a file or folder');
        kind = st.isDirectory() ? 'folder' : 'file';
      } catch {
        throw new ApiError('not-found', `nothing to choose at ${given}: it is not a file or folder you can open`);
      }
      this.#chosen.push({ given, real, kind });
      out.push({ path: real, kind });
    }
    return out;
  }

  /**
   * The real path of `path` when the user may hand it to the engine ([Note: paths are capabilities]); else an
   * ApiError that names only `what`.
   */
  async check(path: string, what: string): Promise<string> {
    const refuse = () =>
      new ApiError(
        'invalid-args',
        `${what} must be in one of your library's folders or chosen by you first (Choose…, or type it and confirm)`,
      );
    const abs = resolve(path);
    const folders = new FolderStore(this.db).list().map((f) => f.path);
    const covers = (root: string, p: string) => p === root || isInside(root, p);
    const lexical = [...folders, ...this.#chosen.flatMap((c) => (c.kind === 'folder' ? [c.given, c.real] : [c.given]))];
    const exact = this.#chosen.filter((c) => c.kind === 'file').flatMap((c) => [c.given, c.real]);
    if (!exact.includes(abs) && !lexical.some((r) => covers(r, abs))) throw refuse();
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      throw new ApiError('not-found', `${what} does not exist (any more)`);
    }
    const realRoots = [...folders, ...this.#chosen.filter((c) => c.kind === 'folder').map((c) => c.real)];
    const realFiles = this.#chosen.filter((c) => c.kind === 'file').map((c) => c.real);
    if (!realFiles.includes(real) && !realRoots.some((r) => covers(r, real))) throw refuse();
    return real;
  }
}
