// Engine (store): the thumbnail journal — face ids committed whose thumbnail files are not written yet (migration 5).
import { blobToF32 } from './blob.js';
import type { Db } from './db.js';
import type { Box } from './faces.js';

export interface FaceBox {
  id: number;
  photoId: number;
  box: Box;
  /** The 5 landmarks (photo pixels): the thumbnail is turned upright by them. */
  landmarks: Float32Array;
}

/** A face's landmarks for its thumbnail; none when the stored blob is damaged (the thumbnail is then not turned). */
export function landmarksOf(blob: Uint8Array): Float32Array {
  try {
    return blobToF32(blob);
  } catch {
    return new Float32Array(0);
  }
}

/** See [Note: thumbnail journal]. */
export class ThumbJournal {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      add: db.prepare<[number]>('INSERT OR IGNORE INTO pending_thumbs (face_id) VALUES (?)'),
      done: db.prepare<[number]>('DELETE FROM pending_thumbs WHERE face_id = ?'),
      pending: db.prepare<
        [],
        { id: number; photo_id: number; x: number; y: number; w: number; h: number; landmarks: Buffer }
      >(
        `SELECT f.id, f.photo_id, f.x, f.y, f.w, f.h, f.landmarks FROM pending_thumbs t JOIN faces f ON f.id = t.face_id
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
    return this.#s.pending.all().map((r) => ({
      id: r.id,
      photoId: r.photo_id,
      box: { x: r.x, y: r.y, w: r.w, h: r.h },
      landmarks: landmarksOf(r.landmarks),
    }));
  }

  count(): number {
    return this.#s.count.get()!.n;
  }
}
