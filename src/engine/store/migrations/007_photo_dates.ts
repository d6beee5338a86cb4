// Engine (store): migration 6, the photo's date (EXIF capture time, else its file's time), stored once per photo and indexed for the timeline.
import type { Database } from 'better-sqlite3';

/**
 * [Note: photo date] Every list of photos (a person's photos, the timeline, people together, search by date) is
 * ordered newest first by one date per photo: `photos.date_at` (ms since the epoch), with `date_source` saying
 * where it came from:
 * - 'exif': EXIF DateTimeOriginal with its OffsetTimeOriginal (image/decode-exif.ts), the `taken_at` the import
 *   stores;
 * - 'file': else the modification time of the first file that showed the photo.
 * It is set by triggers, so every writer (the import on any thread, a restore, a repair) keeps it without knowing
 * about it: a photo inserted with `taken_at` gets that; a file row pointing at a photo with no date yet gives its
 * mtime. A later duplicate or moved file never changes a photo's date (the photo is the same content). Existing
 * photos are filled once here from `taken_at`, else from their oldest file row.
 * `photos_date` holds the order (date, then id, newest first) of the photos that are done, so a page of the
 * timeline at any depth and the rank of one photo in it read only that index.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE photos ADD COLUMN date_at INTEGER;
    ALTER TABLE photos ADD COLUMN date_source TEXT CHECK (date_source IN ('exif', 'file'));

    UPDATE photos SET date_at = taken_at, date_source = 'exif' WHERE taken_at IS NOT NULL;
    UPDATE photos SET date_at = (SELECT f.mtime_ms FROM files f WHERE f.photo_id = photos.id ORDER BY f.id LIMIT 1),
                      date_source = 'file'
     WHERE date_at IS NULL AND EXISTS (SELECT 1 FROM files f WHERE f.photo_id = photos.id);

    CREATE INDEX photos_date ON photos(date_at DESC, id DESC) WHERE status = 'done';

    CREATE TRIGGER photos_date_exif_ins AFTER INSERT ON photos WHEN NEW.taken_at IS NOT NULL BEGIN
      UPDATE photos SET date_at = NEW.taken_at, date_source = 'exif' WHERE id = NEW.id;
    END;
    CREATE TRIGGER photos_date_exif_upd AFTER UPDATE OF taken_at ON photos WHEN NEW.taken_at IS NOT NULL BEGIN
      UPDATE photos SET date_at = NEW.taken_at, date_source = 'exif' WHERE id = NEW.id;
    END;
    CREATE TRIGGER photos_date_file_ins AFTER INSERT ON files WHEN NEW.photo_id IS NOT NULL BEGIN
      UPDATE photos SET date_at = NEW.mtime_ms, date_source = 'file' WHERE id = NEW.photo_id AND date_at IS NULL;
    END;
    CREATE TRIGGER photos_date_file_upd AFTER UPDATE OF photo_id ON files WHEN NEW.photo_id IS NOT NULL BEGIN
      UPDATE photos SET date_at = NEW.mtime_ms, date_source = 'file' WHERE id = NEW.photo_id AND date_at IS NULL;
    END;
  `);
}
