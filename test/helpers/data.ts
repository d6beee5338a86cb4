// Test helper: the real photos in ../shared/data, or a clear skip message when they are absent.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../src/engine/paths.js';

const found = sharedDataDir();
/** The real path: the library stores folders by real path, so tests compare against the same spelling. */
export const DATA = found && realpathSync(found);

/** Path under ../shared/data, or undefined; pass `skipUnlessData(...)` as a test's `skip` option. */
export function dataPath(...parts: string[]): string | undefined {
  if (!DATA) return undefined;
  const p = join(DATA, ...parts);
  return existsSync(p) ? p : undefined;
}

export function skipUnlessData(...parts: string[]): string | false {
  return dataPath(...parts) ? false : `needs ../shared/data/${parts.join('/')} (real photos; absent in this checkout)`;
}
