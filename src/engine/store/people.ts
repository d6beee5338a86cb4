// Engine (store): people, which person each face sits in (face_people) and the user's "not this person" (face_rejections).
import { blobToF32 } from './blob.js';
import type { Db } from './db.js';
import { FEATURE_DIM } from './faces.js';

export interface PersonRow {
  id: number;
  name: string | null;
  hidden: number;
  pinned: number;
  cover_face_id: number | null;
  created_at: number;
}

/**
 * The rows behind people; every write here runs inside the caller's recorded operation (store/history.ts
 * recordOp), so the undo history sees it. Rules about what may change live in people/ops.ts.
 */
export class PeopleStore {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      person: db.prepare<[number], PersonRow>('SELECT * FROM people WHERE id = ?'),
      all: db.prepare<[], Pick<PersonRow, 'id' | 'name' | 'hidden'>>('SELECT id, name, hidden FROM people'),
      namedIds: db.prepare<[], { id: number }>('SELECT id FROM people WHERE name IS NOT NULL'),
      faceExists: db.prepare<[number], { one: number }>('SELECT 1 AS one FROM faces WHERE id = ?'),
      insert: db.prepare<[string | null, number, number]>(
        'INSERT INTO people (name, pinned, created_at) VALUES (?, ?, ?)',
      ),
      personOf: db.prepare<[number], { person_id: number }>('SELECT person_id FROM face_people WHERE face_id = ?'),
      placeUser: db.prepare<[number, number, number]>(
        `INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'user', ?)
         ON CONFLICT(face_id) DO UPDATE SET person_id = excluded.person_id, source = 'user', at = excluded.at`,
      ),
      unreject: db.prepare<[number, number]>('DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?'),
      reject: db.prepare<[number, number, number]>(
        'INSERT OR IGNORE INTO face_rejections (face_id, person_id, at) VALUES (?, ?, ?)',
      ),
      remove: db.prepare<[number, number]>('DELETE FROM face_people WHERE face_id = ? AND person_id = ?'),
      pin: db.prepare<[number]>('UPDATE people SET pinned = 1 WHERE id = ? AND pinned = 0'),
      rename: db.prepare<[string, number]>('UPDATE people SET name = ?, pinned = 1 WHERE id = ?'),
      moveFaces: db.prepare<[number, number]>('UPDATE face_people SET person_id = ? WHERE person_id = ?'),
      moveRejections: db.prepare<[number, number]>(
        'UPDATE OR IGNORE face_rejections SET person_id = ? WHERE person_id = ?',
      ),
      dropRejections: db.prepare<[number]>('DELETE FROM face_rejections WHERE person_id = ?'),
      delete: db.prepare<[number]>('DELETE FROM people WHERE id = ?'),
      dropRejectedGuesses: db.prepare<[number, number]>(
        `DELETE FROM face_people WHERE person_id = ? AND source = 'auto'
           AND face_id IN (SELECT face_id FROM face_rejections WHERE person_id = ?)`,
      ),
      dropRejectionsOfPlaced: db.prepare<[number, number]>(
        `DELETE FROM face_rejections WHERE person_id = ?
           AND face_id IN (SELECT face_id FROM face_people WHERE person_id = ? AND source = 'user')`,
      ),
      setNameCover: db.prepare<[string | null, number | null, number]>(
        'UPDATE people SET name = ?, cover_face_id = ?, pinned = 1 WHERE id = ?',
      ),
      clearCover: db.prepare<[number]>('UPDATE people SET cover_face_id = NULL WHERE id = ?'),
      setHidden: db.prepare<[number, number]>('UPDATE people SET hidden = ?, pinned = 1 WHERE id = ?'),
      isIn: db.prepare<[number, number], { one: number }>(
        'SELECT 1 AS one FROM face_people WHERE face_id = ? AND person_id = ?',
      ),
      setCover: db.prepare<[number, number]>('UPDATE people SET cover_face_id = ? WHERE id = ?'),
    };
  }

  person(id: number): PersonRow | undefined {
    return this.#s.person.get(id);
  }

  /** Every person's id, name and hidden flag. */
  all(): Pick<PersonRow, 'id' | 'name' | 'hidden'>[] {
    return this.#s.all.all();
  }

  namedIds(): number[] {
    return this.#s.namedIds.all().map((r) => r.id);
  }

  faceExists(faceId: number): boolean {
    return !!this.#s.faceExists.get(faceId);
  }

  create(name: string | null, pinned: boolean, now = Date.now()): number {
    return Number(this.#s.insert.run(name, pinned ? 1 : 0, now).lastInsertRowid);
  }

  /** The person a face sits in, or undefined. */
  personOf(faceId: number): number | undefined {
    return this.#s.personOf.get(faceId)?.person_id;
  }

  /** The face sits in the person by the user's decision (must-link); any rejection of it from that person goes. */
  placeUser(faceId: number, personId: number, at: number): void {
    this.#s.placeUser.run(faceId, personId, at);
    this.#s.unreject.run(faceId, personId);
  }

  reject(faceId: number, personId: number, at: number): void {
    this.#s.reject.run(faceId, personId, at);
  }

  /** Takes the face out of the person (it becomes unknown unless placed elsewhere). */
  remove(faceId: number, personId: number): void {
    this.#s.remove.run(faceId, personId);
  }

  pin(personId: number): void {
    this.#s.pin.run(personId);
  }

  rename(personId: number, name: string): void {
    this.#s.rename.run(name, personId);
  }

  /** Moves every face and rejection of `fromId` to `intoId` and deletes `fromId`. */
  absorb(intoId: number, fromId: number): void {
    this.#s.moveFaces.run(intoId, fromId);
    this.#s.moveRejections.run(intoId, fromId);
    this.#s.dropRejections.run(fromId);
    this.#s.delete.run(fromId);
  }

  /**
   * After a merge: a face rejected from the person that sits in it only by a guess becomes unknown (the user's
   * "not X" outranks a guess); a face the user placed loses a rejection that came along with the merge.
   */
  settleMerge(personId: number): void {
    this.#s.dropRejectedGuesses.run(personId, personId);
    this.#s.dropRejectionsOfPlaced.run(personId, personId);
  }

  setNameAndCover(personId: number, name: string | null, coverFaceId: number | null): void {
    this.#s.setNameCover.run(name, coverFaceId, personId);
  }

  clearCover(personId: number): void {
    this.#s.clearCover.run(personId);
  }

  setHidden(personId: number, hidden: boolean): void {
    this.#s.setHidden.run(hidden ? 1 : 0, personId);
  }

  isIn(faceId: number, personId: number): boolean {
    return !!this.#s.isIn.get(faceId, personId);
  }

  setCover(personId: number, faceId: number): void {
    this.#s.setCover.run(faceId, personId);
  }

  /**
   * A person's faces with their stored backbone features, in face-id order: the faces the user placed, and the
   * others when `userOnly` is off and they pass the quality gate.
   */
  featuresOf(personId: number, o: { userOnly: boolean; minQuality: number }): { id: number; feature: Float32Array }[] {
    return (
      this.db
        .prepare(
          `SELECT f.id AS id, f.feature AS feature FROM face_people fp JOIN faces f ON f.id = fp.face_id
            WHERE fp.person_id = ? AND (fp.source = 'user' OR (? = 0 AND (f.quality IS NULL OR f.quality >= ?)))
            ORDER BY f.id`,
        )
        .all(personId, o.userOnly ? 1 : 0, o.minQuality) as { id: number; feature: Buffer }[]
    ).map((r) => ({ id: r.id, feature: blobToF32(r.feature, FEATURE_DIM) }));
  }

  /** Visible named people, by id. */
  visibleNamedIds(): number[] {
    return (
      this.db.prepare('SELECT id FROM people WHERE name IS NOT NULL AND hidden = 0 ORDER BY id').all() as {
        id: number;
      }[]
    ).map((r) => r.id);
  }

  /**
   * Every face of a visible named person (only the user's placements with `userOnly`): by name, then in content
   * order (the photo's hash, then the box). Face ids follow the imports' scan order ([Note: commit order]), so two
   * libraries of the same photos imported from other folders, or in other batches, number them differently; a
   * training set or pair list in id order would then differ, and so would the head trained on it.
   */
  namedFaces(userOnly: boolean): { personId: number; name: string; id: number; feature: Float32Array }[] {
    return (
      this.db
        .prepare(
          `SELECT p.id AS personId, p.name AS name, f.id AS id, f.feature AS feature FROM face_people fp
           JOIN people p ON p.id = fp.person_id JOIN faces f ON f.id = fp.face_id JOIN photos ph ON ph.id = f.photo_id
           WHERE p.name IS NOT NULL AND p.hidden = 0 ${userOnly ? "AND fp.source = 'user'" : ''}
           ORDER BY p.name, ph.hash, f.x, f.y, f.w, f.h, f.id`,
        )
        .all() as { personId: number; name: string; id: number; feature: Buffer }[]
    ).map((r) => ({ ...r, feature: blobToF32(r.feature, FEATURE_DIM) }));
  }
}
