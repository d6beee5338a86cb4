// Engine (store): the folders the user added to the library (absolute real paths) and when each was last scanned.
import type { Db } from './db.js';

export interface FolderRow {
  id: number;
  path: string;
  added_at: number;
  last_scan_at: number | null;
}

export class FolderStore {
  readonly #byPath;
  readonly #insert;
  readonly #list;
  readonly #scanned;
  readonly #remove;
  constructor(db: Db) {
    this.#byPath = db.prepare<[string], FolderRow>('SELECT * FROM folders WHERE path = ?');
    this.#insert = db.prepare<[string, number]>('INSERT INTO folders (path, added_at) VALUES (?, ?)');
    this.#list = db.prepare<[], FolderRow>('SELECT * FROM folders ORDER BY path');
    this.#scanned = db.prepare<[number, number]>('UPDATE folders SET last_scan_at = ? WHERE id = ?');
    this.#remove = db.prepare<[number]>('DELETE FROM folders WHERE id = ?');
  }

  byPath(path: string): FolderRow | undefined {
    return this.#byPath.get(path);
  }

  /** The folder's row, added when new. */
  ensure(path: string, now = Date.now()): FolderRow {
    const found = this.#byPath.get(path);
    if (found) return found;
    this.#insert.run(path, now);
    return this.#byPath.get(path)!;
  }

  list(): FolderRow[] {
    return this.#list.all();
  }

  markScanned(id: number, at = Date.now()): void {
    this.#scanned.run(at, id);
  }

  /** Forgets the folder; its files and failures go with it (ON DELETE CASCADE); orphaned photos are swept by the caller. */
  remove(id: number): void {
    this.#remove.run(id);
  }
}
