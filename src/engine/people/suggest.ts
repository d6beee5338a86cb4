// Engine (people): "Is this X?" suggestions for a person, the "name this group" queue, and the order the app asks both in.
import { loadFaces, loadOptions } from '../cluster/load.js';
import { PersonModels } from '../cluster/incremental.js';
import type { GroupModels } from '../cluster/models.js';
import type { Db } from '../store/db.js';
import { PeopleStore } from '../store/people.js';
import { matmul } from '../cluster/matmul.js';
import { getPerson } from './ops.js';

export const suggestOptions = {
  /**
   * Faces whose mean cosine to the person's faces is below this are not offered (the Verify page's "same person"
   * bar). It was 0.25 until the clustering compared quality-aware cosines ([Note: quality-aware similarity]),
   * which lift poor faces' cosines: at 0.25 a user going through each person's suggestions (bench/effort.ts
   * by-size, 10 no's in a row then the next person) answered 529 no's on celeba-wild and 6,647 on LFW, at 0.3 145
   * and 3,920, for 4 and 11 yes's instead of 4 and 13. The question-following user barely moves (celeba-wild 1.75
   * -> 1.76 answers a person, LFW 1.78 -> 1.82).
   */
  minSimilarity: 0.3,
  minQuality: loadOptions.minQuality,
  /** Closest named people shown beside each unnamed group. */
  closest: 3,
  /**
   * How sure "Is this X?" is (see [Note: question order]): each candidate person votes exp(slope * (s - pivot))
   * for a face at mean cosine s, and "none of them" votes 1.
   */
  slope: 20,
  pivot: 0.35,
  /** "Is this X?" is not asked below this chance of a yes: the user fixes the rest by hand (see [Note: question order]). */
  minChance: 0.35,
  /** Unnamed groups of this many faces or more are always worth naming; smaller ones only as part of someone named. */
  nameFrom: 3,
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
export function nameQueue(
  db: Db,
  limit = 50,
  opts: Partial<SuggestOptions> = {},
  loaded = loadFaces(db, { minQuality: { ...suggestOptions, ...opts }.minQuality }),
  models = new PersonModels(loaded),
): NameQueueItem[] {
  const o = { ...suggestOptions, ...opts };
  const info = peopleInfo(db);
  const groups = models.ids
    .map((id, s) => ({ id, s, count: models.count[s]! }))
    .filter(({ id }) => info.get(id)?.name == null && info.get(id)?.hidden === 0)
    .sort((a, b) => b.count - a.count || a.id - b.id)
    .slice(0, limit);
  return groups.map((g) => ({
    personId: g.id,
    faceCount: g.count,
    closest: closestNamed(models, info, g.s, o.closest),
  }));
}

/** The `k` named people whose mean embedding is closest to group slot `g`'s (their mean cosine over face pairs). */
function closestNamed(
  models: GroupModels,
  info: Map<number, { name: string | null; hidden: number }>,
  g: number,
  k: number,
): NameQueueItem['closest'] {
  const dim = models.dim;
  return models.ids
    .flatMap((id, s) => {
      const name = info.get(id)?.name;
      if (name == null) return [];
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += models.means[g * dim + d]! * models.means[s * dim + d]!;
      return [{ personId: id, name, similarity: dot }];
    })
    .sort((a, b) => b.similarity - a.similarity || a.personId - b.personId)
    .slice(0, k);
}

/** One question the app can ask: name an unnamed group, or "Is this X?" about one face. */
export type Question =
  | ({ kind: 'name'; gain: number } & NameQueueItem)
  | { kind: 'suggest'; gain: number; personId: number; faceId: number; similarity: number; currentPersonId: number };

/**
 * [Note: question order] Every question costs the user one answer, so the app asks first what places the most
 * faces per answer: naming a group places all of its faces (gain = its size), "Is this X?" places one face with
 * the probability that the answer is yes (gain = P(yes)). P(yes) weighs X against every other person the face
 * resembles: each named person it may join (no rejection, not already in its photo) votes exp(slope * (s - pivot))
 * for its mean cosine s, the unnamed group the face sits in votes the same way for its mean to the rest of that
 * group, and "none of them" votes 1; P(yes) is X's share. So a face close to X alone comes before a face as
 * close to X and to Y (uncertain between two people), and both before a face merely near X. Questions below
 * `minChance` are not asked: a run of no's costs answers and places nothing, and the user fixes the rest by hand.
 * Groups smaller than `nameFrom` are asked about only as a likely part of someone named ("Is this group X?",
 * gain = size * P(yes) by the same votes over the group's mean): in a library of many people seen once or twice
 * (LFW) naming every pair costs hundreds of answers for people the user never looks for, and a correct unnamed
 * pair is already right. Every call reads the library as it is, so each answer is used at once: a confirmation
 * moves X's mean and re-ranks X's faces, a rejection removes X from that face's candidates and hands the question
 * to the next person it resembles, a named group turns its small look-alike groups into "Is this group X?".
 * Measured with bench/effort.ts (a user with the truth labels answering until the library is right).
 */
export async function nextQuestions(db: Db, limit = 20, opts: Partial<SuggestOptions> = {}): Promise<Question[]> {
  const o = { ...suggestOptions, ...opts };
  const loaded = loadFaces(db, { minQuality: o.minQuality });
  const { input, person, user, faceIds } = loaded;
  const { dim, vectors } = input;
  const models = new PersonModels(loaded);
  const info = peopleInfo(db);
  const named = models.ids.flatMap((id, s) => (info.get(id)?.name != null && info.get(id)!.hidden === 0 ? [s] : []));
  const vote = (x: number) => Math.exp(o.slope * (x - o.pivot));
  // Unnamed, visible groups: from `nameFrom` faces on, naming one places all of them; a smaller one is asked about
  // only as a likely part of a named person (see [Note: question order]).
  const out: Question[] = models.ids.flatMap((id, s) => {
    if (info.get(id)?.name != null || info.get(id)?.hidden !== 0) return [];
    const count = models.count[s]!;
    let gain = count;
    if (count < o.nameFrom) {
      let best = -Infinity;
      let total = 1;
      for (const t of named) {
        const x = dotMeans(models, s, t);
        if (x < o.minSimilarity) continue;
        total += vote(x);
        best = Math.max(best, x);
      }
      const chance = best > -Infinity ? vote(best) / total : 0;
      if (chance < o.minChance) return [];
      gain = count * chance;
    }
    return [{ kind: 'name' as const, gain, personId: id, faceCount: count, closest: [] }];
  });
  const candidates: number[] = [];
  const isNamed = new Set(named.map((s) => models.ids[s]!));
  for (let i = 0; i < input.n; i++) if (!user[i] && !isNamed.has(person[i]!)) candidates.push(i);
  if (named.length > 0 && candidates.length > 0) {
    // mean cosine of every candidate face to every named person: one matrix product
    const c = candidates.length;
    const P = named.length;
    const a = new Float32Array(c * dim);
    candidates.forEach((i, r) => a.set(vectors.subarray(i * dim, (i + 1) * dim), r * dim));
    const bt = new Float32Array(dim * P);
    named.forEach((s, col) => {
      for (let d = 0; d < dim; d++) bt[d * P + col] = models.means[s * dim + d]!;
    });
    const sim = await matmul(a, c, dim, bt, P);
    candidates.forEach((i, r) => {
      const photo = input.photos[i]!;
      const rejected = input.rejects.get(i);
      let best = -1;
      let total = 1; // "none of them"
      for (let col = 0; col < P; col++) {
        const x = sim[r * P + col]!;
        if (x < o.minSimilarity) continue;
        const s = named[col]!;
        if (models.photos[s]!.has(photo) || rejected?.includes(models.ids[s]!)) continue;
        total += vote(x);
        if (best < 0 || x > sim[r * P + best]!) best = col;
      }
      if (best < 0) return;
      const own = person[i] ? models.slot.get(person[i]!) : undefined;
      if (own !== undefined && models.count[own]! > 1) {
        // its own unnamed group, without the face itself
        const n = models.count[own]!;
        total += vote((models.score(vectors.subarray(i * dim, (i + 1) * dim), own) * n - 1) / (n - 1));
      }
      const x = sim[r * P + best]!;
      if (vote(x) / total < o.minChance) return;
      out.push({
        kind: 'suggest',
        gain: vote(x) / total,
        personId: models.ids[named[best]!]!,
        faceId: faceIds[i]!,
        similarity: x,
        currentPersonId: person[i]!,
      });
    });
  }
  out.sort(
    (x, y) =>
      y.gain - x.gain ||
      Number(y.kind === 'name') - Number(x.kind === 'name') ||
      (x.kind === 'name' ? x.personId : x.faceId) - (y.kind === 'name' ? y.personId : y.faceId),
  );
  const top = out.slice(0, limit);
  for (const q of top)
    if (q.kind === 'name') q.closest = closestNamed(models, info, models.slot.get(q.personId)!, o.closest);
  return top;
}

/** Mean cosine over the face pairs of group slots a and b (the dot product of their means). */
function dotMeans(models: GroupModels, a: number, b: number): number {
  const dim = models.dim;
  let dot = 0;
  for (let d = 0; d < dim; d++) dot += models.means[a * dim + d]! * models.means[b * dim + d]!;
  return dot;
}

function peopleInfo(db: Db): Map<number, { name: string | null; hidden: number }> {
  const info = new Map<number, { name: string | null; hidden: number }>();
  for (const p of new PeopleStore(db).all()) info.set(p.id, p);
  return info;
}
