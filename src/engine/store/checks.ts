// Engine (store): the questions doctor asks of the database file itself — integrity, dangling rows, the active head, faces missing an embedding.
import type { Db } from './db.js';
import type { FaceRow } from './faces.js';
import { landmarksOf, type FaceBox } from './thumbs.js';

export class CheckStore {
  constructor(readonly db: Db) {}

  /** SQLite's quick_check lines that are not 'ok' (empty: the file is sound). */
  integrityProblems(): string[] {
    return (this.db.pragma('quick_check') as { quick_check: string }[])
      .map((r) => r.quick_check)
      .filter((s) => s !== 'ok');
  }

  /** Rows that point at rows that no longer exist. */
  danglingRows(): { table: string; rowid: number; parent: string }[] {
    return this.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  }

  /** Deletes dangling rows (from danglingRows) in one transaction. */
  deleteRows(rows: readonly { table: string; rowid: number }[]): void {
    this.db.transaction(() => {
      for (const r of rows)
        this.db.prepare(`DELETE FROM "${r.table.replaceAll('"', '""')}" WHERE rowid = ?`).run(r.rowid);
    })();
  }

  activeHeadIds(): number[] {
    return (this.db.prepare('SELECT id FROM heads WHERE active = 1').all() as { id: number }[]).map((r) => r.id);
  }

  /** Makes the identity head (1) the active one. */
  activateIdentityHead(): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE heads SET active = 0 WHERE active = 1').run();
      this.db.prepare('UPDATE heads SET active = 1 WHERE id = 1').run();
    })();
  }

  /** Faces with no embedding of head `head`. */
  facesWithoutEmbedding(head: number): number[] {
    return (
      this.db
        .prepare(
          'SELECT f.id FROM faces f LEFT JOIN embeddings e ON e.face_id = f.id WHERE e.face_id IS NULL OR e.head_id != ?',
        )
        .all(head) as { id: number }[]
    ).map((r) => r.id);
  }

  pendingPhotos(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM photos WHERE status = 'pending'").get() as { n: number }).n;
  }

  /** Every file row (id, folder, path). */
  files(): { id: number; folderId: number; path: string }[] {
    return (
      this.db.prepare('SELECT id, folder_id, path FROM files').all() as {
        id: number;
        folder_id: number;
        path: string;
      }[]
    ).map((r) => ({ id: r.id, folderId: r.folder_id, path: r.path }));
  }

  /** Every face's box and landmarks, by photo. */
  faceBoxes(): FaceBox[] {
    return (
      this.db.prepare('SELECT id, photo_id, x, y, w, h, landmarks FROM faces ORDER BY photo_id, id').all() as Pick<
        FaceRow,
        'id' | 'photo_id' | 'x' | 'y' | 'w' | 'h' | 'landmarks'
      >[]
    ).map((f) => ({
      id: f.id,
      photoId: f.photo_id,
      box: { x: f.x, y: f.y, w: f.w, h: f.h },
      landmarks: landmarksOf(f.landmarks),
    }));
  }
}
