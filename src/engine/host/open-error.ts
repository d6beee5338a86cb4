// Engine (host): why a library could not be opened, in words for the window and the terminal: what happened, why, and what to do.
import { NewerDatabaseError } from '../store/db.js';
import { NativeModuleError } from '../store/native.js';

export interface OpenFailure {
  title: string;
  cause: string;
  fix: string;
  dbPath: string;
}

/** Turns whatever opening a library threw into an OpenFailure (never echoing file content, only codes and paths). */
export function describeOpenError(err: unknown, dbPath: string): OpenFailure {
  const code = String((err as { code?: unknown })?.code ?? '');
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof NewerDatabaseError)
    return {
      title: 'This library was made by a newer Facelens',
      cause: `its schema is version ${err.found}; this Facelens knows up to version ${err.known}`,
      fix: 'Update Facelens, or open another library (set FACELENS_HOME, or pass --db PATH to the command line).',
      dbPath,
    };
  if (err instanceof NativeModuleError)
    return { title: `Facelens cannot load ${err.module} here`, cause: err.why, fix: err.fix, dbPath };
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return {
      title: 'The library file is damaged or is not a Facelens library',
      cause: `SQLite refused it (${code})`,
      fix: 'Move the file aside and start Facelens again to make a new library, then restore your people with `facelens import-backup FILE`; or try `facelens doctor --repair --db PATH`.',
      dbPath,
    };
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return {
      title: 'Another program is holding the library',
      cause: `SQLite answered ${code}`,
      fix: 'Close the other Facelens (window, `facelens serve` or a command) and start again.',
      dbPath,
    };
  if (
    code === 'SQLITE_CANTOPEN' ||
    code === 'SQLITE_READONLY' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS'
  )
    return {
      title: 'The library cannot be opened for writing',
      cause: `its folder is missing, read-only or not yours (${code})`,
      fix: 'Check the folder exists and is writable by you, or choose another place with FACELENS_HOME or --db PATH.',
      dbPath,
    };
  return {
    title: 'The library could not be opened',
    cause: message.split('\n')[0]!.slice(0, 300),
    fix: 'Run `npx facelens doctor --db PATH` in the Facelens folder to check it.',
    dbPath,
  };
}

/** One line for a terminal or a wire error. */
export function openFailureText(f: OpenFailure): string {
  return `${f.title}: ${f.cause}. ${f.fix} (library: ${f.dbPath})`;
}
