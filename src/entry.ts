// Launcher: the one entry that runs `facelens` — bin/facelens.js (npx, a global or linked install) and tsx from source both start here.
import { main } from './facelens.js';

/**
 * [Note: one CLI entry] This module always runs main(): no comparison of import.meta.url with process.argv[1],
 * which never matches under the bin wrapper, an npm .bin link or a global install (the command then printed
 * nothing). Everything else imports facelens.ts, which has no side effects.
 */
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  },
);
