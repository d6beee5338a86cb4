// Engine (people): the user's people operations (rename, merge, split, move, confirm, reject, hide, cover), each undoable.
import type { Db } from '../store/db.js';
import { recordOp } from './history.js';

/** A request the library's state does not allow; `code` matches the contract's error codes. */
export class PeopleError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'PeopleError';
  }
}

export interface PersonRow {
  id: number;
  name: string | null;
  hidden: number;
  pinned: number;
  cover_face_id: number | null;
  created_at: number;
}

export function getPerson(db: Db, id: number): PersonRow {
  const p = db.prepare('SELECT * FROM people WHERE id = ?').get(id) as PersonRow | undefined;
  if (!p) throw new PeopleError('not-found', `person ${id} does not exist`);
  return p;
}

function label(p: PersonRow): string {
  return p.name ?? `person ${p.id}`;
}

function checkFaces(db: Db, faceIds: readonly number[]): void {
  if (faceIds.length === 0) throw new PeopleError('conflict', 'no faces given');
  const has = db.prepare('SELECT 1 FROM faces WHERE id = ?');
  for (const f of faceIds) if (!has.get(f)) throw new PeopleError('not-found', `face ${f} does not exist`);
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** Creates a person (auto-clustering calls this without history of its own). */
export function createPerson(db: Db, name: string | null = null, pinned = false): number {
  return Number(
    db.prepare('INSERT INTO people (name, pinned, created_at) VALUES (?, ?, ?)').run(name, pinned ? 1 : 0, Date.now())
      .lastInsertRowid,
  );
}

/** Places faces in a person as the user's own decision (must-link), lifting any rejection of them from it. */
function place(db: Db, personId: number, faceIds: readonly number[], rejectPrevious: boolean): void {
  const now = Date.now();
  const prev = db.prepare('SELECT person_id FROM face_people WHERE face_id = ?');
  const put = db.prepare(
    `INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'user', ?)
     ON CONFLICT(face_id) DO UPDATE SET person_id = excluded.person_id, source = 'user', at = excluded.at`,
  );
  const unreject = db.prepare('DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?');
  const reject = db.prepare('INSERT OR IGNORE INTO face_rejections (face_id, person_id, at) VALUES (?, ?, ?)');
  for (const f of faceIds) {
    const was = (prev.get(f) as { person_id: number } | undefined)?.person_id;
    put.run(f, personId, now);
    unreject.run(f, personId);
    if (rejectPrevious && was !== undefined && was !== personId) reject.run(f, was, now);
  }
  db.prepare('UPDATE people SET pinned = 1 WHERE id = ? AND pinned = 0').run(personId);
}

export function rename(db: Db, personId: number, name: string): PersonRow {
  const clean = name.trim();
  if (!clean) throw new PeopleError('conflict', 'a name cannot be empty');
  const p = getPerson(db, personId);
  recordOp(db, 'rename', `Rename ${label(p)} to ${clean}`, () => {
    db.prepare('UPDATE people SET name = ?, pinned = 1 WHERE id = ?').run(clean, personId);
  });
  return getPerson(db, personId);
}

/**
 * Merges people into `intoId`: their faces (with their source), rejections and, when `intoId` has none, their
 * name, cover and the hidden flag of the first one that has one. The merged people are deleted. A face that was
 * rejected from one side and sits automatically in the other becomes unknown: the user's "not X" outranks a guess.
 */
export function merge(db: Db, intoId: number, fromIds: readonly number[]): PersonRow {
  const into = getPerson(db, intoId);
  const froms = [...new Set(fromIds)].map((id) => getPerson(db, id));
  if (froms.some((f) => f.id === intoId)) throw new PeopleError('conflict', 'cannot merge a person into itself');
  const names = froms.map(label).join(', ');
  recordOp(db, 'merge', `Merge ${names} into ${label(into)}`, () => {
    let name = into.name;
    let cover = into.cover_face_id;
    for (const f of froms) {
      name ??= f.name;
      cover ??= f.cover_face_id;
      db.prepare('UPDATE face_people SET person_id = ? WHERE person_id = ?').run(intoId, f.id);
      db.prepare('UPDATE OR IGNORE face_rejections SET person_id = ? WHERE person_id = ?').run(intoId, f.id);
      db.prepare('DELETE FROM face_rejections WHERE person_id = ?').run(f.id);
      db.prepare('DELETE FROM people WHERE id = ?').run(f.id);
    }
    db.prepare(
      `DELETE FROM face_people WHERE person_id = ? AND source = 'auto'
         AND face_id IN (SELECT face_id FROM face_rejections WHERE person_id = ?)`,
    ).run(intoId, intoId);
    db.prepare(
      `DELETE FROM face_rejections WHERE person_id = ?
         AND face_id IN (SELECT face_id FROM face_people WHERE person_id = ? AND source = 'user')`,
    ).run(intoId, intoId);
    db.prepare('UPDATE people SET name = ?, cover_face_id = ?, pinned = 1 WHERE id = ?').run(name, cover, intoId);
  });
  return getPerson(db, intoId);
}

/** The chosen faces become a new person (named when `name` is given); they are marked "not" their old person. */
export function split(db: Db, faceIds: readonly number[], name?: string): PersonRow {
  checkFaces(db, faceIds);
  const clean = name?.trim() || null;
  const id = recordOp(db, 'split', `Split ${plural(faceIds.length, 'face')} into ${clean ?? 'a new person'}`, () => {
    const id = createPerson(db, clean, true);
    place(db, id, faceIds, true);
    return id;
  });
  return getPerson(db, id);
}

/** Moves faces to a person as the user's decision; each is marked "not" the person it came from. */
export function move(db: Db, faceIds: readonly number[], toPersonId: number): void {
  checkFaces(db, faceIds);
  const to = getPerson(db, toPersonId);
  recordOp(db, 'move', `Move ${plural(faceIds.length, 'face')} to ${label(to)}`, () => {
    place(db, toPersonId, faceIds, true);
  });
}

/** "This face is X": a must-link that every re-cluster keeps. */
export function confirm(db: Db, personId: number, faceIds: readonly number[]): void {
  checkFaces(db, faceIds);
  const p = getPerson(db, personId);
  recordOp(db, 'confirm', `Confirm ${plural(faceIds.length, 'face')} as ${label(p)}`, () =>
    place(db, personId, faceIds, false),
  );
}

/** "This face is not X": remembered for as long as both exist; a face sitting in X leaves it (unknown). */
export function reject(db: Db, personId: number, faceIds: readonly number[]): void {
  checkFaces(db, faceIds);
  const p = getPerson(db, personId);
  recordOp(db, 'reject', `Not ${label(p)}: ${plural(faceIds.length, 'face')}`, () => {
    const now = Date.now();
    const add = db.prepare('INSERT OR IGNORE INTO face_rejections (face_id, person_id, at) VALUES (?, ?, ?)');
    const out = db.prepare('DELETE FROM face_people WHERE face_id = ? AND person_id = ?');
    for (const f of faceIds) {
      add.run(f, personId, now);
      out.run(f, personId);
    }
    if (p.cover_face_id !== null && faceIds.includes(p.cover_face_id))
      db.prepare('UPDATE people SET cover_face_id = NULL WHERE id = ?').run(personId);
  });
}

export function hide(db: Db, personId: number, hidden: boolean): void {
  const p = getPerson(db, personId);
  recordOp(db, hidden ? 'hide' : 'unhide', `${hidden ? 'Hide' : 'Show'} ${label(p)}`, () => {
    db.prepare('UPDATE people SET hidden = ?, pinned = 1 WHERE id = ?').run(hidden ? 1 : 0, personId);
  });
}

export function setCover(db: Db, personId: number, faceId: number): void {
  const p = getPerson(db, personId);
  const inIt = db.prepare('SELECT 1 FROM face_people WHERE face_id = ? AND person_id = ?').get(faceId, personId);
  if (!inIt) throw new PeopleError('conflict', `face ${faceId} is not in ${label(p)}`);
  recordOp(db, 'cover', `New cover for ${label(p)}`, () => {
    db.prepare('UPDATE people SET cover_face_id = ? WHERE id = ?').run(faceId, personId);
  });
}
