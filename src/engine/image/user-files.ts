// Engine (library): reading a text file and listing a folder the user named (pairs files, labels folders) — never blocking, never unbounded, never echoing content.
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const userFileOptions = {
  /** A pairs file of LFW's View 2 is 100 KB; a CSV of 3,000 pairs about 150 KB. */
  maxTextBytes: 16 << 20,
  /** A folder listing longer than this is refused (one level; callers walk deeper themselves). */
  maxEntries: 100_000,
  /** An async read or listing that takes longer (a hung network drive) is given up. */
  timeoutMs: 10_000,
};
export type UserFileOptions = typeof userFileOptions;

export type UserFileProblem =
  'not-found' | 'not-a-file' | 'not-a-folder' | 'too-large' | 'empty' | 'not-text' | 'unreadable' | 'timeout';

/**
 * [Note: user-named files] A path a user typed (or a door passed on) may name anything: a FIFO that blocks an open
 * forever, /dev/zero that never ends, /proc files that hold secrets and report a size of 0, a folder, a huge file.
 * Files are opened with O_NONBLOCK and checked on the open handle (fstat) to be a regular file, then exactly the size
 * fstat reported is read (at most maxTextBytes), so /proc's pseudo-files read as empty and a file growing meanwhile
 * cannot grow the read. Errors name the problem ("the pairs file is not a regular file (a FIFO)"), never a line of
 * the content and never a file name found inside a folder. Whether the path may be read at all is the caller's
 * question (the path capabilities of the engine API); this module only makes the reading safe.
 */
export class UserFileError extends Error {
  constructor(
    readonly code: UserFileProblem,
    message: string,
  ) {
    super(message);
    this.name = 'UserFileError';
  }
}

export function kindOfStats(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function fsProblem(err: unknown, what: string): UserFileError {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof UserFileError) return err;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UserFileError('not-found', `${what} was not found`);
  if (code === 'EACCES' || code === 'EPERM')
    return new UserFileError('unreadable', `${what} cannot be read (permission denied)`);
  if (code === 'EISDIR') return new UserFileError('not-a-file', `${what} is a folder, not a file`);
  if (code === 'ELOOP') return new UserFileError('unreadable', `${what} cannot be read (a symbolic link loop)`);
  if (code === 'ENAMETOOLONG') return new UserFileError('not-found', `${what} was not found (the path is too long)`);
  return new UserFileError('unreadable', `${what} cannot be read (${code ?? 'I/O error'})`);
}

function checkText(bytes: Buffer, what: string): string {
  if (bytes.includes(0)) throw new UserFileError('not-text', `${what} is not a text file`);
  return bytes.toString('utf8');
}

/** Throws unless `st` is a regular file of 1 byte up to `max` bytes (the text files a user hands over). */
function requireTextFile(st: Stats, max: number, what: string): void {
  if (!st.isFile()) throw new UserFileError('not-a-file', `${what} is not a regular file (${kindOfStats(st)})`);
  if (st.size > max)
    throw new UserFileError(
      'too-large',
      `${what} is larger than the ${Math.round(max / 2 ** 20)} MB a text file may have here`,
    );
  if (st.size === 0) throw new UserFileError('empty', `${what} is empty`);
}

/** Rejects with a 'timeout' UserFileError when `p` takes longer than `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string, doing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new UserFileError('timeout', `${doing} ${what} took longer than ${ms / 1000} s`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The text of a regular file the user named (UTF-8), read safely ([Note: user-named files]). `what` names the file
 * in errors: 'the pairs file'.
 */
export async function readUserText(
  path: string,
  what = 'the file',
  opts: Partial<Pick<UserFileOptions, 'maxTextBytes' | 'timeoutMs'>> = {},
): Promise<string> {
  const o = { ...userFileOptions, ...opts };
  const work = (async () => {
    let fh;
    try {
      fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      throw fsProblem(err, what);
    }
    try {
      const st = await fh.stat();
      requireTextFile(st, o.maxTextBytes, what);
      const bytes = Buffer.alloc(st.size);
      let got = 0;
      while (got < st.size) {
        const { bytesRead } = await fh.read(bytes, got, st.size - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return checkText(bytes.subarray(0, got), what);
    } catch (err) {
      throw fsProblem(err, what);
    } finally {
      await fh.close().catch(() => undefined);
    }
  })();
  return within(work, o.timeoutMs, what, 'reading');
}

/** readUserText for synchronous callers: the same checks, no timeout (a regular local file does not block). */
export function readUserTextSync(
  path: string,
  what = 'the file',
  opts: Partial<Pick<UserFileOptions, 'maxTextBytes'>> = {},
): string {
  const o = { ...userFileOptions, ...opts };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw fsProblem(err, what);
  }
  try {
    const st = fstatSync(fd);
    requireTextFile(st, o.maxTextBytes, what);
    const bytes = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return checkText(bytes.subarray(0, got), what);
  } catch (err) {
    throw fsProblem(err, what);
  } finally {
    closeSync(fd);
  }
}

export interface FolderEntry {
  name: string;
  /** Links are followed; a link leading nowhere (or somewhere unreadable) is 'other'. */
  kind: 'file' | 'folder' | 'other';
}

function entryKind(dir: string, e: Dirent, follow: (p: string) => Stats): FolderEntry['kind'] {
  if (e.isFile()) return 'file';
  if (e.isDirectory()) return 'folder';
  if (!e.isSymbolicLink()) return 'other';
  try {
    const st = follow(join(dir, e.name));
    return st.isFile() ? 'file' : st.isDirectory() ? 'folder' : 'other';
  } catch {
    return 'other';
  }
}

function requireFolder(what: string, st: Stats): void {
  if (!st.isDirectory()) throw new UserFileError('not-a-folder', `${what} is not a folder (${kindOfStats(st)})`);
}

/** The entries of a folder the user named, sorted by name (one level), safely ([Note: user-named files]). */
export async function listUserFolder(
  path: string,
  what = 'the folder',
  opts: Partial<Pick<UserFileOptions, 'maxEntries' | 'timeoutMs'>> = {},
): Promise<FolderEntry[]> {
  const o = { ...userFileOptions, ...opts };
  const work = (async () => {
    let entries: Dirent[];
    try {
      requireFolder(what, await stat(path));
      entries = await readdir(path, { withFileTypes: true });
    } catch (err) {
      throw err instanceof UserFileError ? err : fsProblem(err, what);
    }
    return folderEntries(path, entries, o.maxEntries, what);
  })();
  return within(work, o.timeoutMs, what, 'listing');
}

/** listUserFolder for synchronous callers (no timeout). */
export function listUserFolderSync(
  path: string,
  what = 'the folder',
  opts: Partial<Pick<UserFileOptions, 'maxEntries'>> = {},
): FolderEntry[] {
  const o = { ...userFileOptions, ...opts };
  let entries: Dirent[];
  try {
    requireFolder(what, statSync(path));
    entries = readdirSync(path, { withFileTypes: true });
  } catch (err) {
    throw err instanceof UserFileError ? err : fsProblem(err, what);
  }
  return folderEntries(path, entries, o.maxEntries, what);
}

/** A folder's entries, named and sorted, refused when there are more than `maxEntries`. */
function folderEntries(path: string, entries: Dirent[], maxEntries: number, what: string): FolderEntry[] {
  if (entries.length > maxEntries)
    throw new UserFileError('too-large', `${what} holds more than ${maxEntries} entries`);
  return entries
    .map((e) => ({ name: e.name, kind: entryKind(path, e, statSync) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
