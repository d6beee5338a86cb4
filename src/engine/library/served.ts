// Engine (library): a photo file a door failed to send, checked again by the engine and recorded as vanished or unreadable, as an import would.
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from '../store/db.js';
import { FolderStore } from '../store/folders.js';
import { PhotoStore } from '../store/photos.js';
import { describeFsError } from '../image/read.js';

/** What the engine found when it looked at a photo's files again. */
export type ServedFileState =
  /** A file of the photo reads fine now (the failure was a moment's: a rename, a file being replaced). */
  | 'ok'
  /** Its files are gone: each is forgotten and recorded under failures as 'vanished'. */
  | 'vanished'
  /** A file is there but cannot be read (permissions, I/O error, not a regular file): recorded as 'unreadable'. */
  | 'unreadable'
  /** Nothing to record: no such photo, or its folder cannot be reached (an unplugged drive keeps its photos). */
  | 'unknown';

type Check = { state: 'ok' } | { state: 'vanished' | 'unreadable'; reason: string } | { state: 'unknown' };

function check(path: string, root: string): Check {
  try {
    if (!statSync(root).isDirectory()) return { state: 'unknown' };
  } catch {
    return { state: 'unknown' }; // the folder itself is unreachable: like an import, remove nothing
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    return st.isFile() ? { state: 'ok' } : { state: 'unreadable', reason: 'not a regular file any more' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      try {
        statSync(dirname(path));
      } catch (e) {
        // The photo's own folder cannot be looked into (permissions): its files may well be there.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return { state: 'unknown' };
      }
      return { state: 'vanished', reason: 'the file was gone when it was opened (moved or deleted)' };
    }
    return { state: 'unreadable', reason: `it could not be opened: ${describeFsError(err)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * [Note: served files] A door that fails to open a photo's file (vanished, renamed, permission denied, an unplugged
 * drive) answers 404/410 and tells the engine, which trusts nothing it is told: it looks at each file of the photo
 * again. A file that reads now means the failure passed (nothing recorded). A file that is gone, or there but
 * unreadable, is handled as an import handles it: its file row is dropped and a failure is recorded with the reason
 * ('vanished' or 'unreadable'), without size and mtime so that the next import tries it again. A folder that cannot be
 * reached is left alone, like an import leaves an unreachable folder. The photo itself (its faces, names and
 * corrections) stays until an import or `doctor --repair` finds no file shows it any more.
 */
export function recordServedFailure(db: Db, photoId: number, now = Date.now()): ServedFileState {
  if (!Number.isSafeInteger(photoId) || photoId <= 0) return 'unknown';
  const photos = new PhotoStore(db);
  const files = photos.filesOfPhoto(photoId);
  if (!files.length) return 'unknown';
  const roots = new Map(new FolderStore(db).list().map((f) => [f.id, f.path]));
  const found = files.map((f) => ({ f, c: check(f.path, roots.get(f.folder_id) ?? dirname(f.path)) }));
  if (found.some((x) => x.c.state === 'ok')) return 'ok';
  const bad = found.filter((x) => x.c.state === 'vanished' || x.c.state === 'unreadable');
  if (!bad.length) return 'unknown';
  db.transaction(() => {
    for (const { f, c } of bad) {
      photos.deleteFile(f.path);
      photos.recordFailure({
        folderId: f.folder_id,
        path: f.path,
        code: c.state,
        reason: `${(c as { reason: string }).reason}; found while showing the photo`,
        at: now,
      });
    }
  })();
  return bad.some((x) => x.c.state === 'unreadable') ? 'unreadable' : 'vanished';
}
