// Engine (api): the folder browser a browser door offers instead of a native folder dialog — only the user's home and mounted drives, enforced here.
import { existsSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ParsedArgs, Service, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import { isInside } from '../contained.js';
import { isImageName, walkOptions } from '../library/walk.js';

export const browseOptions = {
  /** Where mounted drives appear, per platform ($USER: the user's login name); each folder inside is a drive. */
  mountParents: {
    linux: ['/media/$USER', '/run/media/$USER', '/media', '/mnt'],
    darwin: ['/Volumes'],
  } as Partial<Record<NodeJS.Platform, string[]>>,
  /** Sub-folders listed at most; a folder holding more says its list was cut short. */
  maxFolders: 5000,
};

export interface BrowseRoot {
  path: string;
  label: string;
}

/**
 * [Note: folder browser limits] The web door cannot open the system's folder dialog, so the engine lists folders
 * for it, and only inside the places a photo library lives: the user's home folder and the mounted drives
 * (/media/$USER/*, /run/media/$USER/*, /media/*, /mnt/* on Linux; /Volumes/* on macOS; drive letters on Windows).
 * A drive that is the system disk itself (macOS's /Volumes/Macintosh HD links to /) is not a root: it would open
 * everything. Every path asked for is resolved with realpath first and must lie at or under a root's real path, so
 * '..', a symlink inside home pointing at /etc, or a typed '/' are refused; a symlinked folder is listed only when
 * its target lies inside a root too. The limits live here, in the engine: a door only carries the call.
 */
export function defaultRoots(platform = process.platform): BrowseRoot[] {
  const roots: BrowseRoot[] = [{ path: homedir(), label: 'Home' }];
  if (platform === 'win32') {
    for (let c = 67; c <= 90; c++) {
      const drive = `${String.fromCharCode(c)}:\\`;
      if (existsSync(drive)) roots.push({ path: drive, label: drive.slice(0, 2) });
    }
    return roots;
  }
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // no user name: skip the per-user mount folders
  }
  for (const pattern of browseOptions.mountParents[platform] ?? []) {
    if (pattern.includes('$USER') && !user) continue;
    const parent = pattern.replace('$USER', user);
    let names: Dirent[];
    try {
      names = readdirSync(parent, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const d of names) {
      if (d.name.startsWith('.')) continue;
      if (parent === '/media' && d.name === user) continue; // that is /media/$USER, whose drives are listed above
      const path = join(parent, d.name);
      roots.push({ path, label: d.name });
    }
  }
  return roots;
}

interface RealRoot extends BrowseRoot {
  real: string;
}

/** The roots that exist, by real path, without the system disk, duplicates or roots inside another root. */
export function effectiveRoots(roots: BrowseRoot[]): RealRoot[] {
  const real: RealRoot[] = [];
  for (const r of roots) {
    try {
      const p = realpathSync(resolve(r.path));
      if (!statSync(p).isDirectory() || dirname(p) === p) continue; // a drive that is '/' (or C:\ as a mount) is everything
      real.push({ ...r, real: p });
    } catch {
      // gone or unreadable: not offered
    }
  }
  return real.filter(
    (r, i) => !real.some((o, j) => (o.real === r.real && j < i) || (o.real !== r.real && isInside(o.real, r.real))),
  );
}

export class BrowseService implements Service<'browse'> {
  constructor(private readonly roots: () => BrowseRoot[] = defaultRoots) {}

  /** The roots (no path), or the sub-folders of a folder inside them with how many photos it holds itself. */
  list(a: ParsedArgs<'browse.list'>): Value<'browse.list'> {
    const roots = effectiveRoots(this.roots());
    const shownRoots = roots.map((r) => ({ path: r.real, label: r.label }));
    if (a.path === undefined)
      return {
        path: null,
        parent: null,
        roots: shownRoots,
        folders: shownRoots.map((r) => ({ name: r.label, path: r.path })),
        images: 0,
        truncated: false,
      };
    if (!isAbsolute(a.path)) throw new ApiError('invalid-args', `not an absolute folder path: ${a.path}`);
    let real: string;
    try {
      real = realpathSync(resolve(a.path));
    } catch {
      throw new ApiError('not-found', `folder not found: ${a.path}`);
    }
    const root = roots.find((r) => r.real === real || isInside(r.real, real));
    if (!root)
      throw new ApiError(
        'invalid-args',
        `${a.path} is outside the folders Facelens may browse (your home folder and mounted drives)`,
      );
    let entries: Dirent[];
    try {
      if (!statSync(real).isDirectory()) throw new ApiError('invalid-args', `not a folder: ${a.path}`);
      entries = readdirSync(real, { withFileTypes: true });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('conflict', `cannot list ${a.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const skip = (name: string) =>
      (!a.hidden && name.startsWith('.')) || walkOptions.skipNames.includes(name.toLowerCase());
    const folders: { name: string; path: string }[] = [];
    let images = 0;
    let truncated = false;
    for (const e of entries.sort((x, y) => x.name.localeCompare(y.name))) {
      if (skip(e.name)) continue;
      const path = join(real, e.name);
      let dir = e.isDirectory();
      if (e.isSymbolicLink()) {
        try {
          const target = realpathSync(path);
          dir = statSync(target).isDirectory() && roots.some((r) => r.real === target || isInside(r.real, target));
          if (!dir && statSync(target).isFile() && isImageName(e.name)) images++;
        } catch {
          dir = false; // a broken link
        }
      } else if (e.isFile() && isImageName(e.name)) images++;
      if (!dir) continue;
      if (folders.length >= browseOptions.maxFolders) {
        truncated = true;
        continue;
      }
      folders.push({ name: e.name, path });
    }
    const parent = real === root.real ? null : dirname(real);
    return { path: real, parent, roots: shownRoots, folders, images, truncated };
  }
}
