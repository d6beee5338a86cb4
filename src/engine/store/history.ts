// Engine (store): the undo/redo history of people operations, from row images the migration-2 triggers record.
import type { Db } from './db.js';

/** See [Note: undo history] in store/migrations/002_people.ts. */
export interface HistoryEntry {
  id: number;
  kind: string;
  summary: string;
  at: number;
  undone: boolean;
}

/** Columns of each recorded table, in insert order, and its key. */
const TABLES: Record<string, { key: string; cols: string[] }> = {
  people: { key: 'id', cols: ['id', 'name', 'hidden', 'pinned', 'cover_face_id', 'created_at'] },
  face_people: { key: 'face_id', cols: ['face_id', 'person_id', 'source', 'at'] },
  face_rejections: { key: 'id', cols: ['id', 'face_id', 'person_id', 'at'] },
};

/**
 * Runs `fn` as one undoable operation in one transaction. Any redo entries are dropped first (a new action
 * ends the redo chain, as in every editor). An operation that changes nothing leaves no entry.
 */
export function recordOp<T>(db: Db, kind: string, summary: string, fn: () => T): T {
  return db.transaction(() => {
    db.prepare('DELETE FROM history WHERE undone = 1').run();
    const id = Number(
      db.prepare('INSERT INTO history (kind, summary, at) VALUES (?, ?, ?)').run(kind, summary, Date.now())
        .lastInsertRowid,
    );
    db.prepare('INSERT INTO history_recording (id, history_id) VALUES (1, ?)').run(id);
    try {
      return fn();
    } finally {
      db.prepare('DELETE FROM history_recording WHERE id = 1').run();
      const changed = db.prepare('SELECT 1 FROM history_changes WHERE history_id = ? LIMIT 1').get(id);
      if (!changed) db.prepare('DELETE FROM history WHERE id = ?').run(id);
    }
  })();
}

interface ChangeRow {
  tbl: string;
  row_key: number;
  before: string | null;
  after: string | null;
}

/** Undoes the latest operation not yet undone; undefined when there is nothing to undo. */
export function undo(db: Db): HistoryEntry | undefined {
  return db.transaction(() => {
    const e = db
      .prepare('SELECT id, kind, summary, at, undone FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1')
      .get() as RawEntry | undefined;
    if (!e) return undefined;
    const changes = db
      .prepare('SELECT tbl, row_key, before, after FROM history_changes WHERE history_id = ? ORDER BY id DESC')
      .all(e.id) as ChangeRow[];
    for (const c of changes) applyImage(db, c.tbl, c.row_key, c.before);
    db.prepare('UPDATE history SET undone = 1 WHERE id = ?').run(e.id);
    return toEntry({ ...e, undone: 1 });
  })();
}

/** Redoes the earliest undone operation; undefined when there is nothing to redo. */
export function redo(db: Db): HistoryEntry | undefined {
  return db.transaction(() => {
    const e = db
      .prepare('SELECT id, kind, summary, at, undone FROM history WHERE undone = 1 ORDER BY id LIMIT 1')
      .get() as RawEntry | undefined;
    if (!e) return undefined;
    const changes = db
      .prepare('SELECT tbl, row_key, before, after FROM history_changes WHERE history_id = ? ORDER BY id')
      .all(e.id) as ChangeRow[];
    for (const c of changes) applyImage(db, c.tbl, c.row_key, c.after);
    db.prepare('UPDATE history SET undone = 0 WHERE id = ?').run(e.id);
    return toEntry({ ...e, undone: 0 });
  })();
}

export function listHistory(db: Db, limit = 50): HistoryEntry[] {
  return (
    db.prepare('SELECT id, kind, summary, at, undone FROM history ORDER BY id DESC LIMIT ?').all(limit) as RawEntry[]
  ).map(toEntry);
}

interface RawEntry {
  id: number;
  kind: string;
  summary: string;
  at: number;
  undone: number;
}
const toEntry = (e: RawEntry): HistoryEntry => ({ ...e, undone: e.undone === 1 });

/**
 * Puts one row back to an image (null: the row must not exist). Faces deleted since the operation (their photo
 * left the library) are skipped: an undo never resurrects a face. A person about to be deleted first loses any
 * assignment made after the operation (those faces become unknown), so the undo never trips a foreign key.
 */
function applyImage(db: Db, tbl: string, key: number, image: string | null): void {
  const t = TABLES[tbl];
  if (!t) throw new Error(`history: unknown table ${tbl}`);
  if (image === null) {
    if (tbl === 'people') {
      db.prepare('DELETE FROM face_people WHERE person_id = ?').run(key);
      db.prepare('DELETE FROM face_rejections WHERE person_id = ?').run(key);
    }
    db.prepare(`DELETE FROM ${tbl} WHERE ${t.key} = ?`).run(key);
    return;
  }
  const row = JSON.parse(image) as Record<string, unknown>;
  if ('face_id' in row && !db.prepare('SELECT 1 FROM faces WHERE id = ?').get(row.face_id)) return;
  if ('person_id' in row && !db.prepare('SELECT 1 FROM people WHERE id = ?').get(row.person_id)) return;
  if (tbl === 'face_rejections')
    db.prepare('DELETE FROM face_rejections WHERE face_id = ? AND person_id = ? AND id <> ?').run(
      row.face_id,
      row.person_id,
      key,
    );
  const cols = t.cols;
  const sets = cols
    .filter((c) => c !== t.key)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  db.prepare(
    `INSERT INTO ${tbl} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT(${t.key}) DO UPDATE SET ${sets}`,
  ).run(...cols.map((c) => row[c] as number | string | null));
}
