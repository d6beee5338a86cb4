// Engine (api): people and their corrections (rename, merge, split, move, confirm, reject, hide, cover), suggestions, the naming queue, undo/redo.
import type { Service, ParsedArgs, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import type { Face, HistoryEntry, Person } from '../../shared/schemas.js';
import * as hist from '../store/history.js';
import * as ops from '../people/ops.js';
import { nameQueue, nextQuestions, suggestions } from '../people/suggest.js';
import * as views from '../store/views.js';
import type { Core } from './core.js';

const done = { ok: true as const };

export class PeopleService implements Service<'people'> {
  constructor(private readonly c: Core) {}

  list(a: ParsedArgs<'people.list'>): Value<'people.list'> {
    return views.people(this.c.db, a);
  }

  get(a: ParsedArgs<'people.get'>): Value<'people.get'> {
    return this.#person(a.personId);
  }

  faces(a: ParsedArgs<'people.faces'>): Value<'people.faces'> {
    this.#person(a.personId);
    return views.personFaces(this.c.db, a.personId, a.offset, a.limit, this.c.settings().minQuality);
  }

  unknown(a: ParsedArgs<'people.unknown'>): Value<'people.unknown'> {
    return views.unknownFaces(this.c.db, a, this.c.settings().minQuality);
  }

  rename(a: ParsedArgs<'people.rename'>): Value<'people.rename'> {
    return this.#change('rename', () => (ops.rename(this.c.db, a.personId, a.name), this.#person(a.personId)));
  }

  merge(a: ParsedArgs<'people.merge'>): Value<'people.merge'> {
    return this.#change('merge', () => (ops.merge(this.c.db, a.intoId, a.fromIds), this.#person(a.intoId)));
  }

  split(a: ParsedArgs<'people.split'>): Value<'people.split'> {
    return this.#change('split', () => this.#person(ops.split(this.c.db, a.faceIds, a.name).id));
  }

  move(a: ParsedArgs<'people.move'>): Value<'people.move'> {
    return this.#change('move', () => (ops.move(this.c.db, a.faceIds, a.toPersonId), done));
  }

  confirm(a: ParsedArgs<'people.confirm'>): Value<'people.confirm'> {
    return this.#change('confirm', () => (ops.confirm(this.c.db, a.personId, a.faceIds), done));
  }

  reject(a: ParsedArgs<'people.reject'>): Value<'people.reject'> {
    return this.#change('reject', () => (ops.reject(this.c.db, a.personId, a.faceIds), done));
  }

  hide(a: ParsedArgs<'people.hide'>): Value<'people.hide'> {
    return this.#change('hide', () => (ops.hide(this.c.db, a.personId, a.hidden), done));
  }

  setCover(a: ParsedArgs<'people.setCover'>): Value<'people.setCover'> {
    return this.#change('cover', () => (ops.setCover(this.c.db, a.personId, a.faceId), done));
  }

  /** "Is this X?": faces that may be this person, best first, at or above the user's suggestion threshold. */
  suggestions(a: ParsedArgs<'people.suggestions'>, o: { minSimilarity?: number } = {}): Value<'people.suggestions'> {
    this.#person(a.personId);
    const { suggestThreshold, minQuality } = this.c.settings();
    const list = suggestions(this.c.db, a.personId, a.limit, {
      minSimilarity: o.minSimilarity ?? suggestThreshold,
      minQuality,
    });
    const faces = this.#facesById(
      list.map((s) => s.faceId),
      minQuality,
    );
    return list.flatMap((s) => (faces.has(s.faceId) ? [{ face: faces.get(s.faceId)!, similarity: s.similarity }] : []));
  }

  /**
   * "Name this group": unnamed groups, largest first, each with the closest named people at or above the user's
   * suggestion threshold (the same bar as "Is this X?": a person below it is no suggestion, however close it
   * ranks among the named people).
   */
  nameQueue(a: ParsedArgs<'people.nameQueue'>): Value<'people.nameQueue'> {
    const { minQuality, suggestThreshold } = this.c.settings();
    return nameQueue(this.c.db, a.limit, { minQuality }).flatMap((item) => {
      const person = views.person(this.c.db, item.personId);
      return person ? [{ person, closest: this.#closest(item.closest, suggestThreshold) }] : [];
    });
  }

  /**
   * The questions worth asking next, most useful first (people/suggest.ts, [Note: question order]): the order
   * bench/effort.ts measures. Suggested people are only named people at or above the user's suggestion threshold,
   * as in nameQueue and suggestions.
   */
  async questions(a: ParsedArgs<'people.questions'>): Promise<Value<'people.questions'>> {
    const { minQuality, suggestThreshold } = this.c.settings();
    const list = await nextQuestions(this.c.db, a.limit, { minQuality, minSimilarity: suggestThreshold });
    const faces = this.#facesById(
      list.flatMap((q) => (q.kind === 'suggest' ? [q.faceId] : [])),
      minQuality,
    );
    return list.flatMap((q): Value<'people.questions'> => {
      const person = views.person(this.c.db, q.personId);
      if (!person) return [];
      if (q.kind === 'suggest') {
        const face = faces.get(q.faceId);
        return face ? [{ kind: 'suggest', gain: q.gain, person, face, similarity: q.similarity }] : [];
      }
      return [{ kind: 'name', gain: q.gain, person, closest: this.#closest(q.closest, suggestThreshold) }];
    });
  }

  /** These faces (those above the quality gate) by id. */
  #facesById(ids: number[], minQuality: number): Map<number, Face> {
    return new Map(views.facesByIds(this.c.db, ids, minQuality).map((f) => [f.id, f]));
  }

  /** The named people beside a group to name, those at or above the suggestion threshold only. */
  #closest(
    closest: readonly { personId: number; similarity: number }[],
    threshold: number,
  ): { person: Person; similarity: number }[] {
    return closest.flatMap((x) => {
      const p = x.similarity >= threshold ? views.person(this.c.db, x.personId) : undefined;
      return p ? [{ person: p, similarity: x.similarity }] : [];
    });
  }

  #person(id: number): Person {
    const p = views.person(this.c.db, id);
    if (!p) throw new ApiError('not-found', `person ${id} does not exist (it may have been merged or removed)`);
    return p;
  }

  /** Runs one people operation; the doors hear 'people.changed'. */
  #change<T>(reason: string, fn: () => T): T {
    const out = fn();
    this.c.emit('people.changed', { reason });
    return out;
  }
}

export class HistoryService implements Service<'history'> {
  constructor(private readonly c: Core) {}

  list(a: ParsedArgs<'history.list'>): Value<'history.list'> {
    return hist.listHistory(this.c.db, a.limit).map((e) => this.#withFace(e));
  }

  undo(_a: ParsedArgs<'history.undo'> = {}): Value<'history.undo'> {
    const entry = hist.undo(this.c.db);
    this.c.emit('people.changed', { reason: 'undo' });
    return { entry: entry ? this.#withFace(entry) : null };
  }

  redo(_a: ParsedArgs<'history.redo'> = {}): Value<'history.redo'> {
    const entry = hist.redo(this.c.db);
    this.c.emit('people.changed', { reason: 'redo' });
    return { entry: entry ? this.#withFace(entry) : null };
  }

  /** An entry with the face a thumbnail beside it shows (see views.historyFace). */
  #withFace(e: hist.HistoryEntry): HistoryEntry {
    return { ...e, faceId: views.historyFace(this.c.db, e.id, this.c.settings().minQuality) ?? null };
  }
}
