// Engine (store): opening the SQLite library (WAL, foreign keys) and running pending migrations.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { currentRuntime, explainLoadError, sqliteBinding } from './native.js';
import { projectRoot } from '../paths.js';

export type Db = Database.Database;

export class NewerDatabaseError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `this library was written by a newer Facelens (schema ${found}; this version knows up to ${known}): update Facelens`,
    );
    this.name = 'NewerDatabaseError';
  }
}

export function checkMigrations(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

/** Runs every pending migration in one transaction and sets PRAGMA user_version. */
export function migrate(db: Db, list: readonly Migration[] = MIGRATIONS): number {
  checkMigrations(list);
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = list.length;
  if (current > latest) throw new NewerDatabaseError(current, latest);
  if (current === latest) return current;
  db.transaction(() => {
    for (const m of list.slice(current)) m.up(db);
    db.pragma(`user_version = ${latest}`);
  })();
  return latest;
}

/** better-sqlite3 with the addon built for this runtime (see [Note: one install, two runtimes]). */
function openAddon(path: string, readonly: boolean): Db {
  const runtime = currentRuntime();
  const binding = runtime.electron
    ? sqliteBinding(runtime, projectRoot(), (process as { resourcesPath?: string }).resourcesPath)
    : undefined;
  try {
    return new Database(path, { readonly, ...(binding ? { nativeBinding: binding } : {}) });
  } catch (err) {
    throw explainLoadError(err, 'better-sqlite3') ?? err;
  }
}

export interface OpenOptions {
  readonly?: boolean;
}

/** Opens (creating when needed) the library database at `path` and brings its schema up to date. */
export function openDb(path: string, opts: OpenOptions = {}): Db {
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = openAddon(path, opts.readonly ?? false);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) migrate(db);
  return db;
}
