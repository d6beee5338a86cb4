// Engine (library): the scan phase of an import: walk the folders and sort every file into unchanged, to-do or failed.
import type { Db } from '../store/db.js';
import type { FolderRow } from '../store/folders.js';
import type { FailureRow, FileRow, PhotoStore } from '../store/photos.js';
import { libraryDataFolders, walk, type WalkHooks, type WalkOptions } from './walk.js';

export const scanOptions = {
  /** Unchanged files are stamped as seen in transactions of this many rows. */
  batch: 500,
};

/** A file that must be read: new, changed since the last import, or whose photo was never finished. */
export interface ScanTodo {
  folderId: number;
  path: string;
  ioPath: string | Buffer;
  size: number;
  mtimeMs: number;
  /** Its row from an earlier import, when there is one. */
  known?: FileRow | undefined;
}

export interface FolderScan {
  folder: FolderRow;
  /** Folders that could not be listed: the files known under them are kept, not taken for removed. */
  unlisted: string[];
  /** The root itself could not be listed (unmounted drive, deleted folder): nothing under it is removed. */
  unreachable: boolean;
}

export interface ScanResult {
  stamp: number;
  todo: ScanTodo[];
  unchanged: number;
  /** Files that failed before and have not changed since: not retried, still listed. */
  stillFailing: number;
  /** Problems found by this walk (broken links, loops, unreadable folders, ...), already recorded. */
  walkFailures: number;
  folders: FolderScan[];
}

/**
 * Walks each folder and compares every image file with what the database knows, by path + size + mtime
 * ([Note: skip before hashing]: an unchanged file costs one stat, no read). Unchanged files and unchanged failures
 * are stamped with `stamp` (so phase 3 can tell what vanished); walk problems are recorded as failures at once.
 */
export async function scanFolders(
  db: Db,
  photos: PhotoStore,
  folders: FolderRow[],
  stamp: number,
  onFound: (found: number, failed: number) => void,
  signal?: AbortSignal,
  walkOpts: Partial<WalkOptions> = {},
  hooks: WalkHooks = {},
): Promise<ScanResult> {
  const res: ScanResult = { stamp, todo: [], unchanged: 0, stillFailing: 0, walkFailures: 0, folders: [] };
  let touch: number[] = [];
  let touchFail: number[] = [];
  const flush = db.transaction(() => {
    for (const id of touch) photos.touchFile(id, stamp);
    for (const id of touchFail) photos.touchFailure(id, stamp);
    touch = [];
    touchFail = [];
  });
  const seen = new Set<string>();
  // [Note: import stays inside] The library's own data folder is never walked into.
  const exclude = [
    ...(walkOpts.exclude ?? []),
    ...(db.name && db.name !== ':memory:' ? libraryDataFolders(db.name).skip : []),
  ];
  for (const folder of folders) {
    const fs: FolderScan = { folder, unlisted: [], unreachable: false };
    res.folders.push(fs);
    for await (const item of walk(folder.path, { ...walkOpts, exclude }, hooks)) {
      if (signal?.aborted) break;
      if (seen.has(item.path)) continue; // nested folders: a path is handled once per import
      seen.add(item.path);
      if (item.kind === 'failure') {
        if (item.unlisted) fs.unlisted.push(item.path);
        // A root that is the library's data folder (added before it was refused) is not unreachable: what an older
        // import took from it is unseen now, and goes.
        if (item.path === folder.path && item.code !== 'library-data') fs.unreachable = true;
        photos.recordFailure({ folderId: folder.id, path: item.path, code: item.code, reason: item.reason, at: stamp });
        res.walkFailures++;
      } else {
        const known = photos.file(item.path);
        const failure: FailureRow | undefined = known ? undefined : photos.failure(item.path);
        if (
          known &&
          known.size === item.size &&
          known.mtime_ms === item.mtimeMs &&
          known.photo_id !== null &&
          photos.photo(known.photo_id)?.status === 'done'
        ) {
          touch.push(known.id);
          res.unchanged++;
        } else if (failure && failure.size === item.size && failure.mtime_ms === item.mtimeMs) {
          touchFail.push(failure.id);
          res.stillFailing++;
        } else {
          res.todo.push({
            folderId: folder.id,
            path: item.path,
            ioPath: item.ioPath,
            size: item.size,
            mtimeMs: item.mtimeMs,
            known,
          });
        }
      }
      if (touch.length + touchFail.length >= scanOptions.batch) flush();
      onFound(res.todo.length + res.unchanged + res.stillFailing, res.walkFailures + res.stillFailing);
    }
    flush();
  }
  return res;
}
