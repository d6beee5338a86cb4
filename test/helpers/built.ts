// Test helper: the built command a user runs (bin/facelens.js, what `npx facelens` starts), and whether the build
// is there and no older than the source it was built from.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'facelens.js');

/** The newest modification time under `dir` of TypeScript files, and its path. */
function newestSource(dir: string): { path: string; mtimeMs: number } {
  let best = { path: dir, mtimeMs: 0 };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const b = newestSource(p);
      if (b.mtimeMs > best.mtimeMs) best = b;
    } else if (/\.c?ts$/.test(e.name)) {
      const m = statSync(p).mtimeMs;
      if (m > best.mtimeMs) best = { path: p, mtimeMs: m };
    }
  }
  return best;
}

/**
 * Why the built command cannot be tested here, or false. [Note: tests run the build] Tests that run the command
 * start bin/facelens.js, as a user does, not the TypeScript source through tsx: each start then costs about a second
 * less (the crash harness starts it some 60 times), and the build itself is what is tested. A build older than a
 * source file would test code that is no longer there, so it counts as not built (`npm test` builds first, and
 * counts a test skipped as not built as a failure).
 */
export function skipUnlessBuilt(opts: { renderer?: boolean } = {}): string | false {
  const entry = join(ROOT, 'dist', 'src', 'entry.js');
  if (!existsSync(entry) || (opts.renderer && !existsSync(join(ROOT, 'dist', 'renderer'))))
    return 'the product is not built: run `npm run build` (npm test does it first)';
  const newest = newestSource(join(ROOT, 'src'));
  if (newest.mtimeMs > statSync(entry).mtimeMs)
    return `the product is not built from the current source (${relative(ROOT, newest.path)} is newer than the build): run \`npm run build\` (npm test does it first)`;
  return false;
}
