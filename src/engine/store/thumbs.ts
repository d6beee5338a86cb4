// Engine (store): the thumbnail journal — face ids committed whose thumbnail files are not written yet (migration 5).
import type { Db } from './db.js';
import type { Box } from './faces.js';

export interface FaceBox {
  id: number;
  photoId: number;
  box: Box;
}

/** See [Note: thumbnail journal]. */
export class ThumbJournal {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      add: db.prepare<[number]>('INSERT OR IGNORE INTO pending_thumbs (face_id) VALUES (?)'),
      done: db.prepare<[number]>('DELETE FROM pending_thumbs WHERE face_id = ?'),
      pending: db.prepare<[], { id: number; photo_id: number; x: number; y: number; w: number; h: number }>(
        `SELECT f.id, f.photo_id, f.x, f.y, f.w, f.h FROM pending_thumbs t JOIN faces f ON f.id = t.face_id
          ORDER BY f.photo_id, f.id`,
      ),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM pending_thumbs'),
    };
  }

  /** Records faces whose thumbnails are still to be written; call inside the transaction that inserts them. */
  add(faceIds: readonly number[]): void {
    for (const id of faceIds) this.#s.add.run(id);
  }

  /** The thumbnails of these faces are on disk (or can never be: their photo is unreadable and doctor reports it). */
  done(faceIds: readonly number[]): void {
    if (faceIds.length) this.db.transaction(() => faceIds.forEach((id) => this.#s.done.run(id)))();
  }

  pending(): FaceBox[] {
    return this.#s.pending
      .all()
      .map((r) => ({ id: r.id, photoId: r.photo_id, box: { x: r.x, y: r.y, w: r.w, h: r.h } }));
  }

  count(): number {
    return this.#s.count.get()!.n;
  }
}
