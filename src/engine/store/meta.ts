// Engine (store): the meta table, a small key -> value (text or JSON) store for library-wide settings and stamps.
import type { Db } from './db.js';

export class MetaStore {
  readonly #get;
  readonly #set;
  readonly #del;
  constructor(db: Db) {
    this.#get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.#set = db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.#del = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');
  }

  get(key: string): string | undefined {
    return this.#get.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.#set.run(key, value);
  }

  delete(key: string): void {
    this.#del.run(key);
  }

  /** The parsed JSON value, or undefined when absent or not valid JSON. */
  getJson<T>(key: string): T | undefined {
    const text = this.get(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  setJson(key: string, value: unknown): void {
    this.set(key, JSON.stringify(value));
  }
}
