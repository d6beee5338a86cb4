// Engine (host): contract handlers for people, history and re-clustering, on the identities engine (people/ops, people/history, cluster/recluster).
import { ApiError } from '../../shared/result.js';
import * as ops from '../people/ops.js';
import * as hist from '../people/history.js';
import { recluster } from '../cluster/recluster.js';
import { nameQueue, suggestions } from '../people/suggest.js';
import * as q from './queries.js';
import type { Handlers, HostContext } from './context.js';
import { notFound } from './handlers-base.js';

/** Runs a people op; its PeopleError becomes an ApiError with the same code, and the UI hears 'people.changed'. */
function change<T>(ctx: HostContext, reason: string, fn: () => T): T {
  try {
    const out = fn();
    ctx.emit('people.changed', { reason });
    return out;
  } catch (err) {
    if (err instanceof ops.PeopleError) throw new ApiError(err.code, err.message);
    throw err;
  }
}

const personOf = (ctx: HostContext, id: number) => q.person(ctx.db, id) ?? notFound(`person ${id}`);
const done = { ok: true as const };

export const peopleHandlers: Handlers = {
  'people.rename': (a, ctx) =>
    change(ctx, 'rename', () => (ops.rename(ctx.db, a.personId, a.name), personOf(ctx, a.personId))),
  'people.merge': (a, ctx) =>
    change(ctx, 'merge', () => (ops.merge(ctx.db, a.intoId, a.fromIds), personOf(ctx, a.intoId))),
  'people.split': (a, ctx) => change(ctx, 'split', () => personOf(ctx, ops.split(ctx.db, a.faceIds, a.name).id)),
  'people.move': (a, ctx) => change(ctx, 'move', () => (ops.move(ctx.db, a.faceIds, a.toPersonId), done)),
  'people.confirm': (a, ctx) => change(ctx, 'confirm', () => (ops.confirm(ctx.db, a.personId, a.faceIds), done)),
  'people.reject': (a, ctx) => change(ctx, 'reject', () => (ops.reject(ctx.db, a.personId, a.faceIds), done)),
  'people.hide': (a, ctx) => change(ctx, 'hide', () => (ops.hide(ctx.db, a.personId, a.hidden), done)),
  'people.setCover': (a, ctx) => change(ctx, 'cover', () => (ops.setCover(ctx.db, a.personId, a.faceId), done)),
  'history.list': (a, ctx) => hist.listHistory(ctx.db, a.limit),
  'people.suggestions': (a, ctx) => {
    personOf(ctx, a.personId);
    const { suggestThreshold, minQuality } = ctx.settings();
    const list = suggestions(ctx.db, a.personId, a.limit, { minSimilarity: suggestThreshold, minQuality });
    const faces = new Map(
      q
        .facesByIds(
          ctx.db,
          list.map((s) => s.faceId),
          ctx.settings().minQuality,
        )
        .map((f) => [f.id, f]),
    );
    return list.flatMap((s) => (faces.has(s.faceId) ? [{ face: faces.get(s.faceId)!, similarity: s.similarity }] : []));
  },
  'people.nameQueue': (a, ctx) =>
    nameQueue(ctx.db, a.limit, { minQuality: ctx.settings().minQuality }).flatMap((item) => {
      const person = q.person(ctx.db, item.personId);
      if (!person) return [];
      const closest = item.closest.flatMap((c) => {
        const p = q.person(ctx.db, c.personId);
        return p ? [{ person: p, similarity: c.similarity }] : [];
      });
      return [{ person, closest }];
    }),
  'history.undo': (_a, ctx) => change(ctx, 'undo', () => ({ entry: hist.undo(ctx.db) ?? null })),
  'history.redo': (_a, ctx) => change(ctx, 'redo', () => ({ entry: hist.redo(ctx.db) ?? null })),
  'cluster.preview': (_a, ctx) => {
    const { plan } = recluster(ctx.db, { preview: true, minQuality: ctx.settings().minQuality });
    return {
      peopleBefore: plan.peopleBefore,
      peopleAfter: plan.peopleAfter,
      facesMoved: plan.facesMoved,
      newPeople: plan.newPeople,
      removedPeople: plan.removedPeople,
      changes: plan.changes.map((c) => ({ personId: c.personId, name: c.name, gained: c.gained, lost: c.lost })),
    };
  },
  'cluster.apply': (_a, ctx) =>
    change(ctx, 'recluster', () => {
      const r = recluster(ctx.db, { minQuality: ctx.settings().minQuality });
      return r.applied ?? { people: 0, unknown: 0 };
    }),
};
