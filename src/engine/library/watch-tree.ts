// Engine (library): watches a folder tree for changes with one OS watch per folder (Linux: inotify per directory; macOS, Windows: the native recursive watch), never one per file.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const watchTreeOptions = {
  /** Folders deeper than this below the root are not watched (the walk's guard, library/walk.ts). */
  maxDepth: 64,
  /**
   * Events are gathered this long (ms) and each path looked at once, one after another: a burst of events (a file
   * renamed away and back a thousand times a second) must not queue thousands of stat calls on libuv's four threads,
   * which every file read of the process shares.
   */
  coalesceMs: 50,
};

export interface TreeWatcherHooks {
  /** Is this path (a file or a folder below the root) of no interest? Ignored folders are not entered. */
  ignored(path: string, isDir: boolean): boolean;
  /** Something changed at `path`: created, written, deleted or moved (the watcher does not say which). */
  changed(path: string): void;
  /** The watch of the tree failed (the root went away, the OS ran out of watches): the message says why. */
  failed(message: string): void;
}

/**
 * [Note: one watch per folder] chokidar 4 puts an fs.watch on every file it sees: 146 MB and 4 s for 20,000 photos
 * here, and one inotify watch each (this machine allows 192k per user; a 100k-photo library would use half, and a
 * bigger one would fail). A directory's watch already reports what happens to the files in it (created, deleted,
 * moved, written), so on Linux this watches each folder once (fs.watch, not recursive: Node's recursive watch on
 * Linux is emulated in JavaScript), and on macOS and Windows the whole tree with the native recursive watch
 * (FSEvents, ReadDirectoryChangesW). A folder created or moved in is walked and watched, and every file found in it
 * reported (it may have been filled before its watch began); a folder that goes away drops its watches.
 * Symlinked folders are followed as the import's walk follows them, each real folder watched once.
 */
export class TreeWatcher {
  readonly root: string;
  readonly #hooks: TreeWatcherHooks;
  readonly #recursive: boolean;
  /** Watched folder path -> its watch and its real identity (device:inode). */
  readonly #dirs = new Map<string, { watcher: FSWatcher; key: string }>();
  readonly #keys = new Set<string>();
  /** Events waiting to be looked at: 'dir\0name' -> its folder, depth and name (each path once per window). */
  readonly #queued = new Map<string, { dir: string; depth: number; name: string | undefined }>();
  #draining = false;
  #closed = false;

  constructor(root: string, hooks: TreeWatcherHooks, platform = process.platform) {
    this.root = root;
    this.#hooks = hooks;
    this.#recursive = platform === 'darwin' || platform === 'win32';
  }

  /** OS watches held now (one per folder on Linux, one for the tree elsewhere). */
  get watches(): number {
    return this.#dirs.size;
  }

  /** Starts watching; resolves once every folder of the tree is watched. */
  async start(): Promise<void> {
    if (this.#recursive) {
      const w = watch(this.root, { recursive: true, persistent: false }, (_type, name) =>
        this.#hooks.changed(name ? join(this.root, name.toString()) : this.root),
      );
      w.on('error', (err) => this.#hooks.failed(err.message));
      this.#dirs.set(this.root, { watcher: w, key: 'tree' });
      return;
    }
    await this.#add(this.root, 0, false);
  }

  close(): void {
    this.#closed = true;
    this.#queued.clear();
    for (const { watcher } of this.#dirs.values()) watcher.close();
    this.#dirs.clear();
    this.#keys.clear();
  }

  /** Watches folder `dir` and the folders below it; `report` says every file found (a folder that just arrived). */
  async #add(dir: string, depth: number, report: boolean): Promise<void> {
    if (this.#closed || this.#dirs.has(dir) || depth > watchTreeOptions.maxDepth) return;
    let key: string;
    try {
      const st = await stat(dir);
      if (!st.isDirectory()) return;
      key = `${st.dev}:${st.ino}`;
    } catch (err) {
      if (dir === this.root) this.#hooks.failed(`cannot watch the folder: ${(err as Error).message}`);
      return;
    }
    if (this.#keys.has(key) || this.#closed) return; // a folder reached again through a link: watched once
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (_type, name) => this.#queue(dir, depth, name?.toString()));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.#hooks.failed(
        code === 'ENOSPC'
          ? 'the system allows no more folder watches (raise fs.inotify.max_user_watches)'
          : `cannot watch ${dir}: ${(err as Error).message}`,
      );
      return;
    }
    watcher.on('error', () => this.#drop(dir)); // the folder went away
    this.#dirs.set(dir, { watcher, key });
    this.#keys.add(key);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const isDir = e.isDirectory() || (e.isSymbolicLink() && (await isFolder(path)));
      if (this.#hooks.ignored(path, isDir)) continue;
      if (isDir) await this.#add(path, depth + 1, report);
      else if (report) this.#hooks.changed(path);
    }
  }

  /** Gathers an event; the queue is drained one path at a time after coalesceMs. */
  #queue(dir: string, depth: number, name: string | undefined): void {
    this.#queued.set(`${dir}\0${name ?? ''}`, { dir, depth, name });
    if (this.#draining) return;
    this.#draining = true;
    setTimeout(() => void this.#drain(), watchTreeOptions.coalesceMs);
  }

  async #drain(): Promise<void> {
    while (this.#queued.size && !this.#closed) {
      const [key, e] = this.#queued.entries().next().value!;
      this.#queued.delete(key);
      await this.#event(e.dir, e.depth, e.name);
    }
    this.#draining = false;
  }

  /** Something happened to `name` inside watched folder `dir`. */
  async #event(dir: string, depth: number, name: string | undefined): Promise<void> {
    if (this.#closed) return;
    if (!name) return this.#hooks.changed(dir);
    const path = join(dir, name);
    if (this.#dirs.has(path)) {
      // A watched folder: gone, moved away, or merely touched.
      if (!(await isFolder(path))) this.#drop(path);
      return this.#hooks.changed(path);
    }
    const isDir = await isFolder(path);
    if (this.#hooks.ignored(path, isDir)) return;
    if (isDir) await this.#add(path, depth + 1, true); // arrived with its files, or about to be filled
    this.#hooks.changed(path);
  }

  /** Stops watching folder `dir` and every folder below it. */
  #drop(dir: string): void {
    for (const [path, d] of this.#dirs)
      if (path === dir || path.startsWith(`${dir}/`)) {
        d.watcher.close();
        this.#dirs.delete(path);
        this.#keys.delete(d.key);
      }
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
