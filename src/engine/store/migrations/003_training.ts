// Engine (store): migration 3, training data: backbone features of labelled photos, cached by content hash.
import type { Database } from 'better-sqlite3';

/**
 * [Note: training feature cache] `facelens train --labels DIR` and the loss lab learn from backbone features,
 * never from pixels per epoch. Each labelled photo is decoded, detected (or taken as an aligned crop) and
 * embedded once; its feature is kept here keyed by the file's content hash, how it was read (mode: 'aligned'
 * crop or 'detect'), mirror averaging (flip) and the recognizer model (its sha256), so a second run, another loss
 * or a pairs file over the same photos starts at once. A photo with no usable face is kept too, with its reason
 * (feature NULL), so it costs nothing the next time and is reported. Labels are not stored: the folder tree is
 * the truth and may be renamed.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE train_features (
      hash     TEXT NOT NULL,                       -- sha256 of the file's bytes, hex
      mode     TEXT NOT NULL CHECK (mode IN ('aligned', 'detect')),
      flip     INTEGER NOT NULL CHECK (flip IN (0, 1)),
      model    TEXT NOT NULL,                       -- recognizer identity (sha256 of the model file)
      feature  BLOB,                                -- 512 float32, NULL when no face could be read
      reason   TEXT,                                -- why there is no feature
      at       INTEGER NOT NULL,
      PRIMARY KEY (hash, mode, flip, model)
    ) STRICT, WITHOUT ROWID;
  `);
}
