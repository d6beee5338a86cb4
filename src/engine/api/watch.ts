// Engine (api): watched folders — while the app runs, photos added to, changed in, moved within or deleted from a library folder reach the library without a rescan.
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { HostEvent, ParsedArgs, Service, Value } from '../../shared/contract.js';
import { isInside } from '../contained.js';
import { isImageName, isRawName, walkOptions } from '../library/walk.js';
import { TreeWatcher } from '../library/watch-tree.js';
import * as views from '../store/views.js';
import type { Core } from './core.js';
import type { LibraryService } from './library.js';

export const watchOptions = {
  /**
   * A folder is rescanned only once every new or changed photo in it has kept its size and time this long (ms): a
   * copy in progress is never read half-written.
   */
  stableMs: 2000,
  /** How often a growing file's size and time are looked at (ms). */
  pollMs: 200,
  /** Changes are gathered for this long after the last one before the folders they touched are rescanned (ms). */
  settleMs: 800,
};

interface Watched {
  tree: TreeWatcher;
  ready: boolean;
  error: string | null;
}

/**
 * [Note: watched folders] The host starts this service for the library it opens (the window's and the web door's
 * engine; never the CLI's). Each library folder is watched with one OS watch per folder ([Note: one watch per
 * folder]), ignoring what the import's walk skips (hidden names, NAS thumbnail folders, files that are not photos
 * nor camera RAW, which the walk records or passes over: [Note: camera RAW]) and the library's own data folder. A
 * new or changed photo (or RAW file) is followed until its size and time have stood still for `stableMs`; a folder
 * is rescanned only when no photo in it is still growing and its changes have settled for `settleMs`, because the
 * rescan reads every new file under the folder, not only the one that settled. The rescan is the facade's own
 * import (library.importFolders: the serial queue, the import lock, people for the new faces): the incremental scan
 * finds the new photo, reads a changed one again, links a moved or renamed one to the photo it already is (content
 * hash), and removes what was deleted. One rescan runs at a time; changes meanwhile wait for the next. The folder
 * list follows 'library.changed', so a folder added or removed is watched or let go at once.
 */
export class WatchService implements Service<'watch'> {
  readonly #o: typeof watchOptions;
  readonly #watched = new Map<string, Watched>();
  readonly #dirty = new Set<string>();
  /** Photos still being written: path -> its folder and the size and time last seen, since when. */
  readonly #growing = new Map<string, { root: string; size: number; mtimeMs: number; since: number }>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #abort = new AbortController();
  #lastError: string | null = null;
  #rescans = 0;
  #off: (() => void) | undefined;
  #started = false;

  constructor(
    private readonly c: Core,
    private readonly library: LibraryService,
    private readonly listen: (l: (e: HostEvent) => void) => () => void,
    opts: Partial<typeof watchOptions> = {},
  ) {
    this.#o = { ...watchOptions, ...opts };
  }

  /** Starts watching every folder of the library (and follows the folder list from then on). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#abort = new AbortController();
    this.#off = this.listen((e) => {
      if (e.event === 'library.changed') this.#sync();
    });
    this.#sync();
  }

  /** Stops every watcher and waits for a rescan in progress. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#abort.abort(); // a rescan in progress stops after its current photo (the next start rescans again)
    this.#off?.();
    clearTimeout(this.#timer);
    this.#dirty.clear();
    this.#growing.clear();
    const all = [...this.#watched.values()];
    this.#watched.clear();
    for (const w of all) w.tree.close();
    await this.#running;
  }

  /** Which folders are watched (ready: their initial listing is done), and what went wrong last. */
  status(_a: ParsedArgs<'watch.status'> = {}): Value<'watch.status'> {
    return {
      active: this.#started,
      folders: [...this.#watched].map(([path, w]) => ({ path, watching: w.ready, error: w.error })),
      pending: this.#dirty.size + this.#growing.size + (this.#running ? 1 : 0),
      rescans: this.#rescans,
      lastError: this.#lastError,
    };
  }

  /** Watches the library's folders now: new ones added, removed ones let go. */
  #sync(): void {
    if (!this.#started) return;
    const paths = new Set(views.folders(this.c.db).map((f) => f.path));
    for (const [path, w] of this.#watched)
      if (!paths.has(path)) {
        this.#watched.delete(path);
        w.tree.close();
      }
    for (const path of paths) if (!this.#watched.has(path)) this.#watch(path);
  }

  #watch(root: string): void {
    const skipNames = new Set(walkOptions.skipNames);
    const data = dirname(this.c.dbPath);
    const mine = () => this.#watched.get(root) === w;
    const tree = new TreeWatcher(root, {
      ignored: (path, isDir) => {
        // The library's own folder (thumbnails are JPEGs) is never a source of photos, even inside a watched folder.
        if (path === data || isInside(data, path)) return true;
        const name = basename(path);
        if ((walkOptions.skipHidden && name.startsWith('.')) || skipNames.has(name.toLowerCase())) return true;
        return !isDir && !isImageName(name) && !isRawName(name);
      },
      changed: (path) => {
        if (!mine()) return;
        const name = basename(path);
        if (isImageName(name) || isRawName(name)) this.#follow(root, path);
        else this.#touch(root); // a folder came, went or moved
      },
      failed: (message) => void (w.error = message),
    });
    const w: Watched = { tree, ready: false, error: null };
    this.#watched.set(root, w);
    void tree.start().then(() => {
      w.ready = w.error === null;
      if (mine()) this.c.emit('library.changed', { reason: 'watching' });
    });
  }

  /** Follows a new or changed photo until its size and time stand still, then marks its folder for a rescan. */
  #follow(root: string, path: string): void {
    if (this.#growing.has(path)) return; // already followed: the loop sees the change
    this.#growing.set(path, { root, size: -1, mtimeMs: -1, since: Date.now() });
    const check = async () => {
      if (!this.#started || !this.#growing.has(path)) return;
      const seen = this.#growing.get(path)!;
      let st;
      try {
        st = await stat(path);
      } catch {
        this.#growing.delete(path); // gone again: the rescan finds whatever is there
        return this.#touch(root);
      }
      if (st.size === seen.size && st.mtimeMs === seen.mtimeMs) {
        if (Date.now() - seen.since >= this.#o.stableMs) {
          this.#growing.delete(path);
          return this.#touch(root);
        }
      } else this.#growing.set(path, { root, size: st.size, mtimeMs: st.mtimeMs, since: Date.now() });
      setTimeout(() => void check(), this.#o.pollMs);
    };
    void check();
  }

  #touch(root: string): void {
    this.#dirty.add(root);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#flush(), this.#o.settleMs);
  }

  #flush(): void {
    if (!this.#started || this.#running || this.#dirty.size === 0) return;
    const growing = new Set([...this.#growing.values()].map((g) => g.root));
    // A folder with a photo still being written waits: its rescan would read that photo half-written.
    const folders = [...this.#dirty].filter((p) => this.#watched.has(p) && !growing.has(p));
    for (const p of [...this.#dirty]) if (!this.#watched.has(p)) this.#dirty.delete(p);
    if (!folders.length) return; // the growing photo marks its folder again once it stands still
    for (const p of folders) this.#dirty.delete(p);
    this.#running = this.library
      .importFolders(folders, { signal: this.#abort.signal })
      .then(
        () => {
          this.#rescans++;
          this.#lastError = null;
        },
        (err: unknown) => void (this.#lastError = (err as Error).message ?? String(err)),
      )
      .finally(() => {
        this.#running = undefined;
        if (this.#dirty.size) this.#timer = setTimeout(() => this.#flush(), this.#o.settleMs);
      });
  }
}
