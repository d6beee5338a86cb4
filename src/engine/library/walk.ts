// Engine (library): recursive walk of a photo folder: image files with size and mtime, and every problem met on the way.
import { readdir, realpath, stat } from 'node:fs/promises';
import { realpathSync, type Dirent, type Stats } from 'node:fs';
import { dirname, extname, relative, resolve, sep, isAbsolute } from 'node:path';
import { IMAGE_EXTENSIONS } from '../image/decode.js';
import { thumbsDir } from './thumbs.js';
import { describeFsError, kindOf } from '../image/read.js';

export const walkOptions = {
  /** Deeper folders are not entered (a guard against pathological trees; loops are caught before this). */
  maxDepth: 64,
  /** Names starting with '.' (hidden files and folders, macOS '._x.jpg' resource forks) are skipped. */
  skipHidden: true,
  /** System and NAS folders that hold thumbnails or trash, never the user's photos (compared case-insensitively). */
  skipNames: [
    '@eadir',
    '#recycle',
    '#snapshot',
    '$recycle.bin',
    'system volume information',
    'lost+found',
    '.trashes',
    'thumbs.db',
  ],
  /** Real paths never entered nor imported: the folders the library writes (see libraryDataFolders). */
  exclude: [] as string[],
};
export type WalkOptions = typeof walkOptions;

export type WalkFailureCode =
  | 'unreadable'
  | 'vanished'
  | 'broken-link'
  | 'symlink-loop'
  | 'not-a-file'
  | 'too-deep'
  | 'outside'
  | 'library-data'
  | 'unsupported';

/**
 * [Note: camera RAW] Camera RAW file name endings. Facelens ships no RAW decoder (sharp's libvips reads none, and
 * the TIFF-based ones would decode only as the small thumbnail in their first directory, finding no faces), so a
 * RAW file is never read. Cameras and phones save a JPEG or HEIC of the same shot beside it under the same name:
 * that photo is imported and its RAW passed over. A RAW file with no such photo beside it is recorded as a failure
 * saying why, so a folder of RAW files alone does not import nothing in silence.
 */
const RAW_EXTENSIONS: readonly string[] = [
  '.3fr',
  '.arw',
  '.cr2',
  '.cr3',
  '.crw',
  '.dcr',
  '.dng',
  '.erf',
  '.fff',
  '.iiq',
  '.kdc',
  '.mef',
  '.mos',
  '.mrw',
  '.nef',
  '.nrw',
  '.orf',
  '.pef',
  '.raf',
  '.rw2',
  '.rwl',
  '.sr2',
  '.srf',
  '.srw',
  '.x3f',
];

/**
 * [Note: import stays inside] An import takes in only what lies inside the folder the user added. A symbolic link
 * whose target (its real path) is outside that folder is not followed, photo or folder: it is recorded as a failure
 * 'outside' saying so, and the file or folder it points at is never read (a link could otherwise pull in any photo
 * the user can read, and its faces' thumbnails would be served). Links that stay inside are followed as before. The
 * library's own data is never imported: adding its data folder (database, index, thumbnails) or its thumbnails
 * folder is refused (refuseLibraryData), and an added folder that holds the thumbnails passes over them
 * ('library-data'), so a rescan never turns the library's thumbnails into photos.
 */
export function isInsideOrSame(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(resolve(p));
  } catch {
    return resolve(p);
  }
}

/**
 * The library's own folders for a database path: `data`, the folder holding the database, its index and `skip`, the
 * folders of what the library writes (the face thumbnails). An import never enters `skip`; `data` itself (and
 * anything in `skip`) cannot be added. Other folders beside the database are the user's (a library kept at
 * ~/Photos/library.db next to ~/Photos/2024) and import as any folder.
 */
export function libraryDataFolders(dbPath: string): { data: string; skip: string[] } {
  return { data: realOrResolved(dirname(dbPath)), skip: [realOrResolved(thumbsDir(dbPath))] };
}

export class FolderRefusedError extends Error {
  constructor(
    readonly folder: string,
    reason: string,
  ) {
    super(`${folder} cannot be added: ${reason}`);
    this.name = 'FolderRefusedError';
  }
}

/** Throws FolderRefusedError when `folder` (a real path) is the library's data folder or one of the folders it writes. */
export function refuseLibraryData(folder: string, dbPath: string): void {
  const own = libraryDataFolders(dbPath);
  if (folder === own.data || own.skip.some((d) => isInsideOrSame(d, folder)))
    throw new FolderRefusedError(
      folder,
      "it is Facelens's own data folder (the library's database, index and face thumbnails) and is never imported; " +
        'keep photos in a folder of their own',
    );
}

export type WalkItem =
  | {
      kind: 'file';
      /** Absolute path as text: the file's identity in the database (invalid UTF-8 bytes escaped as \xNN). */
      path: string;
      /** The path to open: `path` itself, or the raw bytes when the name is not valid UTF-8. */
      ioPath: string | Buffer;
      size: number;
      mtimeMs: number;
    }
  | {
      kind: 'failure';
      path: string;
      code: WalkFailureCode;
      reason: string;
      /** A folder whose content could not be listed: files known under it must not be taken for removed. */
      unlisted?: boolean;
    };

export interface WalkHooks {
  /** Called before each folder is listed (tests remove folders here to simulate a change mid-scan). */
  beforeReadDir?(path: string): void | Promise<void>;
}

interface Loc {
  path: string;
  io: string | Buffer;
}

/**
 * Escapes the bytes of a file name that are not valid UTF-8 as `\xNN`, keeping every valid character, so two
 * different raw names never map to one text path (short of a file literally named with a backslash escape).
 */
export function nameToText(raw: Buffer): { text: string; valid: boolean } {
  const plain = raw.toString('utf8');
  if (Buffer.from(plain, 'utf8').equals(raw)) return { text: plain, valid: true };
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    const n = c < 0x80 ? 1 : c >> 5 === 6 ? 2 : c >> 4 === 14 ? 3 : c >> 3 === 30 ? 4 : 0;
    if (n > 0 && i + n <= raw.length) {
      const seg = raw.subarray(i, i + n);
      const s = seg.toString('utf8');
      if (!s.includes('\uFFFD') && Buffer.from(s, 'utf8').equals(seg)) {
        out += s;
        i += n;
        continue;
      }
    }
    out += `\\x${c.toString(16).padStart(2, '0')}`;
    i++;
  }
  return { text: out, valid: false };
}

function child(dir: Loc, raw: Buffer): Loc {
  const { text, valid } = nameToText(raw);
  const path = dir.path.endsWith('/') ? dir.path + text : `${dir.path}/${text}`;
  if (valid && typeof dir.io === 'string') return { path, io: path };
  const base = typeof dir.io === 'string' ? Buffer.from(dir.io, 'utf8') : dir.io;
  const sep = base[base.length - 1] === 0x2f ? Buffer.alloc(0) : Buffer.from('/');
  return { path, io: Buffer.concat([base, sep, raw]) };
}

export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** A camera RAW file's name ([Note: camera RAW]): the walk records it, or passes it over for its shot's photo. */
export function isRawName(name: string): boolean {
  return RAW_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** A name without its ending, lower-cased: a RAW file and the photo of the same shot share it. */
function shotName(name: string): string {
  return name.slice(0, name.length - extname(name).length).toLowerCase();
}

function rawReason(name: string): string {
  const format = extname(name).slice(1).toUpperCase();
  return (
    `a camera RAW file (${format}), which Facelens does not read: it imports the JPEG or HEIC a camera saves ` +
    'beside it under the same name, or an exported copy'
  );
}

function skipped(name: string, o: WalkOptions): boolean {
  if (o.skipHidden && name.startsWith('.')) return true;
  return o.skipNames.includes(name.toLowerCase());
}

const devIno = (st: Stats) => `${st.dev}:${st.ino}`;

/**
 * Yields every image file under `root` (an absolute path; sorted by name, depth first) and a failure item for every
 * problem, and never throws for a problem inside the tree. [Note: walk loops] Folders are identified by device +
 * inode: a folder whose identity is one of its own ancestors is a symlink loop (recorded, not entered); one already
 * walked through another link is skipped silently (its files were yielded once). Symlinks to files are followed (a
 * linked photo is a photo) when they stay inside the folder ([Note: import stays inside]); links that lead nowhere are
 * recorded when their name looks like a photo.
 */
export async function* walk(
  root: string,
  opts: Partial<WalkOptions> = {},
  hooks: WalkHooks = {},
): AsyncGenerator<WalkItem> {
  const o = { ...walkOptions, ...opts };
  let rootStat: Stats;
  try {
    rootStat = await stat(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    yield {
      kind: 'failure',
      path: root,
      code: code === 'ENOENT' ? 'vanished' : 'unreadable',
      reason: `cannot open the folder: ${describeFsError(err)}`,
      unlisted: true,
    };
    return;
  }
  if (!rootStat.isDirectory()) {
    yield { kind: 'failure', path: root, code: 'not-a-file', reason: 'not a folder', unlisted: true };
    return;
  }
  const inside = realOrResolved(root);
  const exclude = o.exclude.map(realOrResolved);
  if (exclude.some((d) => isInsideOrSame(d, inside))) {
    yield { kind: 'failure', path: root, code: 'library-data', reason: LIBRARY_DATA };
    return;
  }
  const visited = new Set<string>([devIno(rootStat)]);
  yield* walkDir({ path: root, io: root }, [devIno(rootStat)], visited, o, hooks, { inside, exclude });
}

const LIBRARY_DATA = "Facelens's own face thumbnails (the library's data folder): never imported";

/** Where the walk may go: inside the added folder's real path, never into the library's data folder. */
interface Bounds {
  inside: string;
  exclude: string[];
}

async function* walkDir(
  dir: Loc,
  ancestors: string[],
  visited: Set<string>,
  o: WalkOptions,
  hooks: WalkHooks,
  bounds: Bounds,
): AsyncGenerator<WalkItem> {
  if (ancestors.length > o.maxDepth) {
    yield {
      kind: 'failure',
      path: dir.path,
      code: 'too-deep',
      reason: `more than ${o.maxDepth} folders deep; not scanned`,
      unlisted: true,
    };
    return;
  }
  await hooks.beforeReadDir?.(dir.path);
  let entries: Dirent<Buffer>[];
  try {
    entries = await readdir(dir.io, { withFileTypes: true, encoding: 'buffer' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      yield { kind: 'failure', path: dir.path, code: 'vanished', reason: 'the folder disappeared during the scan' };
    } else {
      yield {
        kind: 'failure',
        path: dir.path,
        code: 'unreadable',
        reason: `cannot list the folder: ${describeFsError(err)}`,
        unlisted: true,
      };
    }
    return;
  }
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  // The shots this folder has a photo of, and its RAW files, told apart once the folder is read ([Note: camera RAW]).
  const shots = new Set<string>();
  const raws: { path: string; name: string }[] = [];
  for (const e of entries) {
    const loc = child(dir, e.name);
    const name = loc.path.slice(loc.path.lastIndexOf('/') + 1);
    if (skipped(name, o)) continue;
    const image = isImageName(name);
    if (image) shots.add(shotName(name));
    else if (!e.isDirectory() && isRawName(name)) {
      raws.push({ path: loc.path, name });
      continue;
    }
    if (e.isFile() && !image) continue; // the common case costs no stat
    let st: Stats;
    try {
      st = await stat(loc.io);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP')
        yield {
          kind: 'failure',
          path: loc.path,
          code: 'symlink-loop',
          reason: 'a symbolic link loop (the link points back at itself)',
        };
      else if (code === 'ENOENT' && e.isSymbolicLink()) {
        if (image)
          yield {
            kind: 'failure',
            path: loc.path,
            code: 'broken-link',
            reason: 'a broken symbolic link (its target does not exist)',
          };
      } else if (code !== 'ENOENT')
        yield { kind: 'failure', path: loc.path, code: 'unreadable', reason: describeFsError(err) };
      continue; // ENOENT on a plain entry: deleted since the folder was listed
    }
    if ((st.isDirectory() || image) && (e.isSymbolicLink() || st.isDirectory())) {
      // Only links can lead out; a folder is checked too when the library's data folder may lie below.
      const needReal = e.isSymbolicLink() || (st.isDirectory() && bounds.exclude.length > 0);
      const real = needReal ? await realpath(loc.io).catch(() => undefined) : undefined;
      if (e.isSymbolicLink() && (real === undefined || !isInsideOrSame(bounds.inside, real))) {
        yield {
          kind: 'failure',
          path: loc.path,
          code: 'outside',
          reason: `a symbolic link to a ${st.isDirectory() ? 'folder' : 'file'} outside the folder you added; not followed`,
        };
        continue;
      }
      if (st.isDirectory() && real !== undefined && bounds.exclude.some((d) => isInsideOrSame(d, real))) {
        yield { kind: 'failure', path: loc.path, code: 'library-data', reason: LIBRARY_DATA };
        continue;
      }
    }
    if (st.isDirectory()) {
      const key = devIno(st);
      if (ancestors.includes(key)) {
        yield {
          kind: 'failure',
          path: loc.path,
          code: 'symlink-loop',
          reason: 'a link back to a folder that contains it (symlink loop); not followed',
        };
        continue;
      }
      if (visited.has(key)) continue;
      visited.add(key);
      yield* walkDir(loc, [...ancestors, key], visited, o, hooks, bounds);
    } else if (!image) {
      continue;
    } else if (st.isFile()) {
      yield { kind: 'file', path: loc.path, ioPath: loc.io, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
    } else {
      yield { kind: 'failure', path: loc.path, code: 'not-a-file', reason: `${kindOf(st)}, not a photo file` };
    }
  }
  for (const r of raws)
    if (!shots.has(shotName(r.name)))
      yield { kind: 'failure', path: r.path, code: 'unsupported', reason: rawReason(r.name) };
}
