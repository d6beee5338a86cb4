// Engine (store): the rows clustering reads and writes — every face's embedding and placement, the automatic placements, empty groups.
import type { Db } from './db.js';

/** One face as clustering reads it: [id, photo id, quality, embedding blob, person id, who placed it]. */
export type ClusterFaceRow = [number, number, number | null, Buffer, number | null, string | null];

/**
 * The writes of clustering (full re-cluster, incremental assignment) only ever touch automatic placements
 * (source 'auto'): the user's own placements, names and rejections are constraints they keep ([Note: incremental
 * assignment], [Note: re-cluster plan]).
 */
export class ClusterStore {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      faces: db.prepare(
        `SELECT f.id, f.photo_id, f.quality, e.vec, fp.person_id, fp.source
           FROM faces f JOIN embeddings e ON e.face_id = f.id AND e.head_id = ?
           LEFT JOIN face_people fp ON fp.face_id = f.id
          ORDER BY f.id`,
      ),
      count: db.prepare<[number], { n: number }>(
        'SELECT count(*) AS n FROM faces f JOIN embeddings e ON e.face_id = f.id AND e.head_id = ?',
      ),
      rejections: db.prepare<[], { face_id: number; person_id: number }>(
        'SELECT face_id, person_id FROM face_rejections ORDER BY id',
      ),
      people: db.prepare<[], { id: number; name: string | null; hidden: number; pinned: number }>(
        'SELECT id, name, hidden, pinned FROM people',
      ),
      sizes: db.prepare<[], { person_id: number; n: number }>(
        'SELECT person_id, count(*) AS n FROM face_people GROUP BY person_id',
      ),
      newPerson: db.prepare<[number]>('INSERT INTO people (name, created_at) VALUES (NULL, ?)'),
      putAuto: db.prepare<[number, number, number]>(
        `INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'auto', ?)
         ON CONFLICT(face_id) DO UPDATE SET person_id = excluded.person_id, source = 'auto', at = excluded.at
         WHERE source = 'auto'`,
      ),
      dropAuto: db.prepare<[number]>(`DELETE FROM face_people WHERE face_id = ? AND source = 'auto'`),
      moveAll: db.prepare<[number, number, number]>('UPDATE face_people SET person_id = ?, at = ? WHERE person_id = ?'),
      moveRejections: db.prepare<[number, number]>(
        'UPDATE OR IGNORE face_rejections SET person_id = ? WHERE person_id = ?',
      ),
      dropRejections: db.prepare<[number]>('DELETE FROM face_rejections WHERE person_id = ?'),
      deletePerson: db.prepare<[number]>('DELETE FROM people WHERE id = ?'),
      dropEmpty: db.prepare(
        `DELETE FROM people WHERE name IS NULL AND hidden = 0 AND pinned = 0
            AND NOT EXISTS (SELECT 1 FROM face_people WHERE person_id = people.id)
            AND NOT EXISTS (SELECT 1 FROM face_rejections WHERE person_id = people.id)`,
      ),
      peopleWithFaces: db.prepare<[], { n: number }>('SELECT count(DISTINCT person_id) AS n FROM face_people'),
      unplaced: db.prepare<[], { n: number }>(
        'SELECT count(*) AS n FROM faces f WHERE NOT EXISTS (SELECT 1 FROM face_people WHERE face_id = f.id)',
      ),
    };
  }

  /** Every face with an embedding of head `headId`, by id; rows as arrays, streamed (a large library's vectors are GBs). */
  faces(headId: number): IterableIterator<ClusterFaceRow> {
    return this.#s.faces.raw().iterate(headId) as IterableIterator<ClusterFaceRow>;
  }

  faceCount(headId: number): number {
    return this.#s.count.get(headId)!.n;
  }

  /** Every rejection ("face F is not person P"), oldest first. */
  rejections(): { face_id: number; person_id: number }[] {
    return this.#s.rejections.all();
  }

  people(): { id: number; name: string | null; hidden: number; pinned: number }[] {
    return this.#s.people.all();
  }

  /** People the user has touched (named, hidden or edited): clustering never merges or deletes them. */
  touchedIds(): number[] {
    return this.people()
      .filter((p) => p.name !== null || p.hidden === 1 || p.pinned === 1)
      .map((p) => p.id);
  }

  /** How many faces each person holds now. */
  sizes(): Map<number, number> {
    return new Map(this.#s.sizes.all().map((r) => [r.person_id, r.n]));
  }

  /** A new unnamed, untouched group. */
  newGroup(now: number): number {
    return Number(this.#s.newPerson.run(now).lastInsertRowid);
  }

  /** Places a face automatically; a face the user placed stays where the user put it. */
  placeAuto(faceId: number, personId: number, at: number): void {
    this.#s.putAuto.run(faceId, personId, at);
  }

  /** Takes an automatically placed face out of its person (it becomes unknown); the user's placements stay. */
  unplaceAuto(faceId: number): void {
    this.#s.dropAuto.run(faceId);
  }

  /** Group `from` joins group `to`: its faces and rejections go over, and it is deleted. */
  joinGroups(from: number, to: number, at: number): void {
    this.#s.moveAll.run(to, at, from);
    this.#s.moveRejections.run(to, from);
    this.#s.dropRejections.run(from);
    this.#s.deletePerson.run(from);
  }

  /** Deletes untouched people left without faces or rejections; named or edited ones stay. */
  dropEmptyGroups(): void {
    this.#s.dropEmpty.run();
  }

  /** People with faces, and faces in nobody. */
  totals(): { people: number; unknown: number } {
    return { people: this.#s.peopleWithFaces.get()!.n, unknown: this.#s.unplaced.get()!.n };
  }
}
