// Engine (people): the user's people operations (rename, merge, split, move, confirm, reject, hide, cover), each undoable.
import { count } from '../../shared/words.js';
import type { Db } from '../store/db.js';
import { recordOp } from '../store/history.js';
import { PeopleStore, type PersonRow } from '../store/people.js';
import * as views from '../store/views.js';

export type { PersonRow } from '../store/people.js';

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

export function getPerson(db: Db, id: number): PersonRow {
  const p = new PeopleStore(db).person(id);
  if (!p) throw new PeopleError('not-found', `person ${id} does not exist`);
  return p;
}

/** How the history names a person: by name, else as the group it is now ("an unnamed group of 12 faces"), never by id. */
function label(db: Db, p: PersonRow): string {
  return p.name ?? `an unnamed group of ${count(views.person(db, p.id)?.faceCount ?? 0, 'face')}`;
}

function checkFaces(store: PeopleStore, faceIds: readonly number[]): void {
  if (faceIds.length === 0) throw new PeopleError('conflict', 'no faces given');
  for (const f of faceIds) if (!store.faceExists(f)) throw new PeopleError('not-found', `face ${f} does not exist`);
}

/** Creates a person (auto-clustering calls this without history of its own). */
export function createPerson(db: Db, name: string | null = null, pinned = false): number {
  return new PeopleStore(db).create(name, pinned);
}

/** Places faces in a person as the user's own decision (must-link), lifting any rejection of them from it. */
function place(store: PeopleStore, personId: number, faceIds: readonly number[], rejectPrevious: boolean): void {
  const now = Date.now();
  for (const f of faceIds) {
    const was = store.personOf(f);
    store.placeUser(f, personId, now);
    if (rejectPrevious && was !== undefined && was !== personId) store.reject(f, was, now);
  }
  store.pin(personId);
}

export function rename(db: Db, personId: number, name: string): PersonRow {
  const clean = name.trim();
  if (!clean) throw new PeopleError('conflict', 'a name cannot be empty');
  const p = getPerson(db, personId);
  recordOp(db, 'rename', `Rename ${label(db, p)} to ${clean}`, () => new PeopleStore(db).rename(personId, clean));
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
  const names = froms.map((f) => label(db, f)).join(', ');
  recordOp(db, 'merge', `Merge ${names} into ${label(db, into)}`, () => {
    const store = new PeopleStore(db);
    let name = into.name;
    let cover = into.cover_face_id;
    for (const f of froms) {
      name ??= f.name;
      cover ??= f.cover_face_id;
      store.absorb(intoId, f.id);
    }
    store.settleMerge(intoId);
    store.setNameAndCover(intoId, name, cover);
  });
  return getPerson(db, intoId);
}

/** The chosen faces become a new person (named when `name` is given); they are marked "not" their old person. */
export function split(db: Db, faceIds: readonly number[], name?: string): PersonRow {
  const store = new PeopleStore(db);
  checkFaces(store, faceIds);
  const clean = name?.trim() || null;
  const id = recordOp(db, 'split', `Split ${count(faceIds.length, 'face')} into ${clean ?? 'a new person'}`, () => {
    const id = store.create(clean, true);
    place(store, id, faceIds, true);
    return id;
  });
  return getPerson(db, id);
}

/** Moves faces to a person as the user's decision; each is marked "not" the person it came from. */
export function move(db: Db, faceIds: readonly number[], toPersonId: number): void {
  const store = new PeopleStore(db);
  checkFaces(store, faceIds);
  const to = getPerson(db, toPersonId);
  recordOp(db, 'move', `Move ${count(faceIds.length, 'face')} to ${label(db, to)}`, () => {
    place(store, toPersonId, faceIds, true);
  });
}

/** "This face is X": a must-link that every re-cluster keeps. */
export function confirm(db: Db, personId: number, faceIds: readonly number[]): void {
  const store = new PeopleStore(db);
  checkFaces(store, faceIds);
  const p = getPerson(db, personId);
  recordOp(db, 'confirm', `Confirm ${count(faceIds.length, 'face')} as ${label(db, p)}`, () =>
    place(store, personId, faceIds, false),
  );
}

/** "This face is not X": remembered for as long as both exist; a face sitting in X leaves it (unknown). */
export function reject(db: Db, personId: number, faceIds: readonly number[]): void {
  const store = new PeopleStore(db);
  checkFaces(store, faceIds);
  const p = getPerson(db, personId);
  recordOp(db, 'reject', `Not ${label(db, p)}: ${count(faceIds.length, 'face')}`, () => {
    const now = Date.now();
    for (const f of faceIds) {
      store.reject(f, personId, now);
      store.remove(f, personId);
    }
    if (p.cover_face_id !== null && faceIds.includes(p.cover_face_id)) store.clearCover(personId);
  });
}

export function hide(db: Db, personId: number, hidden: boolean): void {
  const p = getPerson(db, personId);
  recordOp(db, hidden ? 'hide' : 'unhide', `${hidden ? 'Hide' : 'Show'} ${label(db, p)}`, () => {
    new PeopleStore(db).setHidden(personId, hidden);
  });
}

export function setCover(db: Db, personId: number, faceId: number): void {
  const p = getPerson(db, personId);
  const store = new PeopleStore(db);
  if (!store.isIn(faceId, personId)) throw new PeopleError('conflict', `face ${faceId} is not in ${label(db, p)}`);
  recordOp(db, 'cover', `New cover for ${label(db, p)}`, () => store.setCover(personId, faceId));
}
