// Engine (store): migration 1, the core library: folders, files, photos, failures, faces, heads, embeddings.
import type { Database } from 'better-sqlite3';

/**
 * [Note: why features are cached] A face's backbone feature (the recognizer's 512-D output) is stored once,
 * in faces.feature. Every ArcFace head maps features to embeddings; activating a head re-embeds every face
 * from these stored features (a matrix product), never by decoding photos again.
 *
 * Photos are identified by content (sha256), files by path: a moved or renamed file points at the same photo.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE folders (
      id           INTEGER PRIMARY KEY,
      path         TEXT NOT NULL UNIQUE,
      added_at     INTEGER NOT NULL,
      last_scan_at INTEGER
    ) STRICT;

    CREATE TABLE photos (
      id           INTEGER PRIMARY KEY,
      hash         TEXT NOT NULL UNIQUE,           -- sha256 of the file's bytes, hex
      width        INTEGER,                        -- after EXIF orientation
      height       INTEGER,
      orientation  INTEGER,                        -- EXIF orientation tag as read (1..8)
      taken_at     INTEGER,                        -- ms since epoch, from EXIF when present
      status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
      processed_at INTEGER,
      face_count   INTEGER
    ) STRICT;

    CREATE TABLE files (
      id        INTEGER PRIMARY KEY,
      folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
      path      TEXT NOT NULL UNIQUE,              -- absolute
      size      INTEGER NOT NULL,
      mtime_ms  INTEGER NOT NULL,
      photo_id  INTEGER REFERENCES photos(id) ON DELETE SET NULL,
      seen_at   INTEGER NOT NULL                   -- scan stamp: files not seen by a full scan are gone
    ) STRICT;
    CREATE INDEX files_photo ON files(photo_id);
    CREATE INDEX files_folder ON files(folder_id);

    -- Files that could not be imported, with the reason; kept until the file changes or is gone.
    CREATE TABLE failures (
      id        INTEGER PRIMARY KEY,
      folder_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
      path      TEXT NOT NULL UNIQUE,
      code      TEXT NOT NULL,                     -- short machine code: 'decode', 'too-large', 'unreadable', ...
      reason    TEXT NOT NULL,                     -- what the user reads
      size      INTEGER,
      mtime_ms  INTEGER,
      at        INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE faces (
      id         INTEGER PRIMARY KEY,
      photo_id   INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
      x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,  -- box in oriented photo pixels
      score      REAL NOT NULL,                    -- detector confidence (1 for hand-drawn boxes)
      landmarks  BLOB NOT NULL,                    -- 5 x (x, y) float32, oriented photo pixels
      feature    BLOB NOT NULL,                    -- 512 float32: the backbone feature, stored once
      quality    REAL,                             -- 0..1 face quality; low-quality faces stay out of clustering
      source     TEXT NOT NULL DEFAULT 'auto' CHECK (source IN ('auto', 'manual')),
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX faces_photo ON faces(photo_id);

    -- ArcFace heads: feature (512) -> FC -> BN -> L2 normalised 512-D embedding. Head 1 is the identity map.
    CREATE TABLE heads (
      id         INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      kind       TEXT NOT NULL CHECK (kind IN ('identity', 'trained', 'finetuned')),
      parent_id  INTEGER REFERENCES heads(id),
      created_at INTEGER NOT NULL,
      config     TEXT NOT NULL DEFAULT '{}',       -- JSON: loss, hyper-parameters, data
      metrics    TEXT NOT NULL DEFAULT '{}',       -- JSON: before/after verification, curves
      weights    BLOB,                             -- serialised head weights; NULL for the identity head
      active     INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
    ) STRICT;
    CREATE UNIQUE INDEX heads_one_active ON heads(active) WHERE active = 1;

    -- The active head's embedding of each face (512 float32, unit length).
    CREATE TABLE embeddings (
      face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
      head_id INTEGER NOT NULL REFERENCES heads(id),
      vec     BLOB NOT NULL
    ) STRICT;
    CREATE INDEX embeddings_head ON embeddings(head_id);

    INSERT INTO heads (id, name, kind, created_at, active) VALUES (1, 'identity', 'identity', unixepoch() * 1000, 1);
  `);
}
