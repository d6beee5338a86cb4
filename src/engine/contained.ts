// Engine (base): files a door may send (the built app, face thumbnails, photos), each checked to lie inside the place it must come from.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

/**
 * [Note: no path outside] A door never turns a request into a path by string joining. It asks for a face id
 * or a photo id (positive integers), the host finds the file the library recorded, resolves symlinks, and
 * serves it only when its real path is inside the allowed root (the thumbs folder; a folder the user added).
 * Anything else is "not found", with no hint of what exists.
 */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' ? false : !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/** The real path of `path` when it is a regular file whose real path is inside the real `root`; else undefined. */
export function containedFile(root: string, path: string): string | undefined {
  try {
    const realRoot = realpathSync(resolve(root));
    const real = realpathSync(resolve(path));
    if (!isInside(realRoot, real)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file under `root` that a URL path names, or undefined. The path is percent-decoded once; NUL bytes,
 * backslashes, '..' segments and anything whose real path (symlinks resolved) leaves `root` are refused.
 * '/' is index.html. See [Note: no path outside].
 */
export function appFile(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return undefined;
  if (decoded.split('/').some((seg) => seg === '..')) return undefined;
  const rel = decoded === '/' ? 'index.html' : normalize(decoded.slice(1));
  if (rel.split(sep).some((seg) => seg.startsWith('.'))) return undefined; // no dotfiles, no '..'
  try {
    const realRoot = realpathSync(resolve(root));
    const real = realpathSync(join(realRoot, rel));
    if (!isInside(realRoot, real)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
