// Engine (people): "Is this X?" suggestions for a person, and the "name this group" queue with the closest named people.
import { loadFaces, loadOptions } from '../cluster/load.js';
import { PersonModels } from '../cluster/incremental.js';
import type { Db } from '../store/db.js';
import { getPerson } from './ops.js';

export const suggestOptions = {
  /** Faces whose mean cosine to the person's faces is below this are not offered. */
  minSimilarity: 0.25,
  minQuality: loadOptions.minQuality,
  /** Closest named people shown beside each unnamed group. */
  closest: 3,
};
export type SuggestOptions = typeof suggestOptions;

export interface Suggestion {
  faceId: number;
  similarity: number;
  /** The person the face sits in now by a guess (0: unknown). */
  currentPersonId: number;
}

/**
 * [Note: suggestions] For person X: faces in nobody or placed elsewhere by a guess (never a face the user
 * placed, never one rejected from X, never one in a photo that already shows X, never a low-quality one),
 * ranked by their mean cosine to X's faces, best first. Ties go to the lower face id, so the list is stable.
 * The mean runs over every face of X (one dot product with X's mean embedding): X's faces are scanned in full;
 * at very large libraries an HNSW query with the mean would replace the scan.
 */
export function suggestions(db: Db, personId: number, limit = 50, opts: Partial<SuggestOptions> = {}): Suggestion[] {
  getPerson(db, personId);
  const o = { ...suggestOptions, ...opts };
  const loaded = loadFaces(db, { minQuality: o.minQuality });
  const { input, person, user, faceIds } = loaded;
  const { dim, vectors } = input;
  const models = new PersonModels(loaded);
  const s = models.ids.indexOf(personId);
  if (s < 0) return [];
  const mean = models.means.subarray(s * dim, (s + 1) * dim);
  const photosOfX = models.photos[s]!;
  const out: Suggestion[] = [];
  for (let i = 0; i < input.n; i++) {
    if (person[i] === personId || user[i]) continue;
    if (photosOfX.has(input.photos[i]!)) continue;
    if (input.rejects.get(i)?.includes(personId)) continue;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += vectors[i * dim + d]! * mean[d]!;
    if (dot >= o.minSimilarity) out.push({ faceId: faceIds[i]!, similarity: dot, currentPersonId: person[i]! });
  }
  out.sort((a, b) => b.similarity - a.similarity || a.faceId - b.faceId);
  return out.slice(0, limit);
}

export interface NameQueueItem {
  personId: number;
  faceCount: number;
  closest: { personId: number; name: string; similarity: number }[];
}

/**
 * "Name this group": unnamed, visible groups, largest first, each with the named people closest to it (mean
 * cosine over all face pairs between the two, the clustering's own linkage), so naming is one keystroke when
 * the group is someone already known.
 */
export function nameQueue(db: Db, limit = 50, opts: Partial<SuggestOptions> = {}): NameQueueItem[] {
  const o = { ...suggestOptions, ...opts };
  const loaded = loadFaces(db, { minQuality: o.minQuality });
  const models = new PersonModels(loaded);
  const dim = loaded.input.dim;
  const info = new Map<number, { name: string | null; hidden: number }>();
  for (const p of db.prepare('SELECT id, name, hidden FROM people').all() as {
    id: number;
    name: string | null;
    hidden: number;
  }[])
    info.set(p.id, p);
  const named = models.ids.map((id, s) => ({ id, s })).filter(({ id }) => info.get(id)?.name != null);
  const groups = models.ids
    .map((id, s) => ({ id, s, count: models.count[s]! }))
    .filter(({ id }) => info.get(id)?.name == null && info.get(id)?.hidden === 0)
    .sort((a, b) => b.count - a.count || a.id - b.id)
    .slice(0, limit);
  return groups.map((g) => {
    const closest = named
      .map(({ id, s }) => {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += models.means[g.s * dim + d]! * models.means[s * dim + d]!;
        return { personId: id, name: info.get(id)!.name!, similarity: dot };
      })
      .sort((a, b) => b.similarity - a.similarity || a.personId - b.personId)
      .slice(0, o.closest);
    return { personId: g.id, faceCount: g.count, closest };
  });
}
