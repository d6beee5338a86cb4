// Engine (store): migration 2, people: face assignments (auto|user), confirm/reject constraints, undo history.
import type { Database } from 'better-sqlite3';

/**
 * [Note: people and constraints] A person is a row in `people`; a face belongs to at most one person through
 * `face_people` (no row = unknown). `source = 'user'` marks a face the user placed (confirm, move, split): a
 * must-link that every re-clustering keeps. `face_rejections` holds "this face is not X": a cannot-link that
 * clustering, incremental assignment and suggestions respect for as long as the face and the person exist
 * (merges carry them over to the surviving person). Two faces of one photo are never the same person; that
 * cannot-link needs no row, it is read from faces.photo_id. `pinned` marks a person the user has touched
 * (named, merged, split, moved into): a re-clustering may give it several clusters (a merge survives) but never
 * takes its name or id away.
 *
 * [Note: undo history] Triggers copy every change to people, face_people and face_rejections into
 * history_changes (before and after images as JSON) while a row in history_recording says which history entry
 * is open. Undo applies the before images in reverse order, redo the after images in order; both run with
 * recording off, so the log stays exact. The recording row lives only inside the op's transaction.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE people (
      id            INTEGER PRIMARY KEY,
      name          TEXT,                                   -- NULL: an unnamed group
      hidden        INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
      pinned        INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
      cover_face_id INTEGER,                                -- chosen cover; NULL: the best face is shown
      created_at    INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX people_name ON people(name);

    CREATE TABLE face_people (
      face_id    INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
      person_id  INTEGER NOT NULL REFERENCES people(id),
      source     TEXT NOT NULL CHECK (source IN ('auto', 'user')),
      at         INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX face_people_person ON face_people(person_id, source);

    CREATE TABLE face_rejections (
      id         INTEGER PRIMARY KEY,
      face_id    INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
      person_id  INTEGER NOT NULL REFERENCES people(id),
      at         INTEGER NOT NULL,
      UNIQUE (face_id, person_id)
    ) STRICT;
    CREATE INDEX face_rejections_person ON face_rejections(person_id);

    CREATE TABLE history (
      id       INTEGER PRIMARY KEY,
      kind     TEXT NOT NULL,                               -- rename, merge, split, move, confirm, reject, ...
      summary  TEXT NOT NULL,                               -- what the user reads in the Undo menu
      at       INTEGER NOT NULL,
      undone   INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
    ) STRICT;

    CREATE TABLE history_changes (
      id         INTEGER PRIMARY KEY,
      history_id INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,
      tbl        TEXT NOT NULL,
      row_key    INTEGER NOT NULL,
      before     TEXT,                                      -- JSON row; NULL when the row was inserted
      after      TEXT                                       -- JSON row; NULL when the row was deleted
    ) STRICT;
    CREATE INDEX history_changes_entry ON history_changes(history_id, id);

    CREATE TABLE history_recording (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      history_id INTEGER NOT NULL
    ) STRICT;
  `);
  const tables: Record<string, { key: string; cols: string[] }> = {
    people: { key: 'id', cols: ['id', 'name', 'hidden', 'pinned', 'cover_face_id', 'created_at'] },
    face_people: { key: 'face_id', cols: ['face_id', 'person_id', 'source', 'at'] },
    face_rejections: { key: 'id', cols: ['id', 'face_id', 'person_id', 'at'] },
  };
  for (const [tbl, { key, cols }] of Object.entries(tables)) {
    const img = (p: string) => `json_object(${cols.map((c) => `'${c}', ${p}.${c}`).join(', ')})`;
    const rec = `SELECT history_id FROM history_recording WHERE id = 1`;
    const when = `WHEN EXISTS (SELECT 1 FROM history_recording)`;
    db.exec(`
      CREATE TRIGGER ${tbl}_hist_ins AFTER INSERT ON ${tbl} ${when} BEGIN
        INSERT INTO history_changes (history_id, tbl, row_key, before, after) VALUES ((${rec}), '${tbl}', NEW.${key}, NULL, ${img('NEW')});
      END;
      CREATE TRIGGER ${tbl}_hist_upd AFTER UPDATE ON ${tbl} ${when} BEGIN
        INSERT INTO history_changes (history_id, tbl, row_key, before, after) VALUES ((${rec}), '${tbl}', NEW.${key}, ${img('OLD')}, ${img('NEW')});
      END;
      CREATE TRIGGER ${tbl}_hist_del AFTER DELETE ON ${tbl} ${when} BEGIN
        INSERT INTO history_changes (history_id, tbl, row_key, before, after) VALUES ((${rec}), '${tbl}', OLD.${key}, ${img('OLD')}, NULL);
      END;
    `);
  }
}
