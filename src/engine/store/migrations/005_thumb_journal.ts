// Engine (store): migration 5, the journal of faces whose thumbnails are not written yet, so a kill never leaves one missing for good.
import type { Database } from 'better-sqlite3';

/**
 * [Note: thumbnail journal] A face's thumbnail is named by its id, so it can only be written after the photo's
 * transaction commits. The same transaction records the new face ids here; the row goes once the thumbnail is on
 * disk. A kill in between leaves the row, and the next import (or `doctor --repair`) writes what it names before
 * anything else: a resumed import leaves no face without its thumbnail.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE pending_thumbs (
      face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE
    ) WITHOUT ROWID;
  `);
}
