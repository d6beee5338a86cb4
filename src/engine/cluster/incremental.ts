// Engine (cluster): incremental assignment: new faces clustered as a full re-cluster would, with the people as fixed groups.
import { ClusterStore } from '../store/clustering.js';
import type { Db } from '../store/db.js';
import { recordOp } from '../store/history.js';
import { algorithmByName, DEFAULT_ALGORITHM, loadFor } from './algorithms.js';
import { GroupFacts, type ClusterInput } from './input.js';
import { buildKnnGraph } from './knn.js';
import { attachRule, linkageOptions, linkageSeeded, type LinkageSeeds } from './linkage.js';
import { loadFaces, loadOptions, type LoadedFaces } from './load.js';
import { dissolveJunk, junkLeaning } from './junk.js';
import { GroupModels } from './models.js';

export const incrementalOptions = {
  /**
   * The linkage threshold new faces join people and each other by (the same rule as the full clustering: see
   * [Note: small groups]; a single face joining a person of m faces needs threshold + extra / sqrt(m)).
   */
  threshold: linkageOptions.threshold,
  minQuality: loadOptions.minQuality,
  /** Cluster the faces that fit nobody among themselves into new people (clusters below minPersonFaces stay unknown). */
  newPeople: 1,
  /** Each new face is compared by linkage with its this many closest people (by mean cosine). */
  candidatePeople: 8,
};
export type IncrementalOptions = typeof incrementalOptions;

/** Every person that has faces, as a group model (see models.ts). */
export class PersonModels extends GroupModels {
  constructor(loaded: LoadedFaces) {
    super(loaded.input.vectors, loaded.input.dim, loaded.input.photos, loaded.person);
  }
}

export interface AssignResult {
  considered: number;
  joined: number;
  newPeople: number;
  newPeopleFaces: number;
  /** Untouched people merged into another person because new faces showed they are one. */
  mergedPeople: number;
  unknown: number;
  ms: number;
}

/**
 * [Note: incremental assignment] After an import, the faces in nobody are clustered the way a full re-cluster
 * would cluster them, with the library's people as groups that already exist: the same average linkage, the same
 * thresholds and small-group rule, best merge first, where a person may take a new face or a group of new faces
 * but two people never merge and nobody placed moves (see LinkageSeeds). A new face is compared with its closest
 * people by their mean embeddings (dot(face, mean) is its mean cosine to the person's faces, exact) and with the
 * other new faces through their kNN graph; the cannot-links hold (a person it was rejected from, a person already
 * in its photo). New groups of unidentifiable faces are dissolved (see [Note: junk groups]); then low-quality faces
 * may join a person or a new group they clearly resemble, by the rule a full re-cluster attaches them with, and
 * never found one. Because each step is the full clustering's own step, a re-cluster right after an import has
 * little to change (bench/chunked.ts measures it). Algorithms other than linkage (the density baseline) keep the
 * older scheme: each face joins the person with the best mean above the threshold, the rest are clustered among
 * themselves.
 */
export function assignNewFaces(
  db: Db,
  opts: Partial<IncrementalOptions> & {
    algorithm?: string;
    /** Overrides of the algorithm's options object (as a re-cluster takes them). */
    options?: Record<string, number>;
  } = {},
): AssignResult {
  const o = { ...incrementalOptions, ...opts };
  const algorithm = opts.algorithm ?? DEFAULT_ALGORITHM;
  const t0 = performance.now();
  const loaded = loadFaces(db, loadFor(algorithm, o.minQuality));
  const models = new PersonModels(loaded);
  const { input, person, faceIds } = loaded;
  const { dim, vectors } = input;
  const fresh: number[] = [];
  for (let i = 0; i < input.n; i++) if (!person[i]) fresh.push(i);
  const m = fresh.length;
  const sub = new Float32Array(m * dim);
  fresh.forEach((i, j) => sub.set(vectors.subarray(i * dim, (i + 1) * dim), j * dim));
  const rejects = new Map<number, number[]>();
  fresh.forEach((i, j) => input.rejects.has(i) && rejects.set(j, [...input.rejects.get(i)!]));
  const subInput = {
    n: m,
    dim,
    vectors: sub,
    photos: Int32Array.from(fresh, (i) => input.photos[i]!),
    fixed: new Int32Array(m),
    tags: new Int32Array(m),
    rejects,
  };
  /** Where each fresh face goes: a person id (> 0), a new group (< 0: -1 - cluster), or nobody (0). */
  const target = new Int32Array(m);
  /** People merged into another: [from, into]. */
  const merges: [number, number][] = [];
  const linkageOpts = { ...linkageOptions, threshold: o.threshold, ...opts.options };
  if (algorithm === 'linkage' && m > 0) {
    const seeds = personSeeds(db, loaded, models, subInput, o);
    const c = linkageSeeded(subInput, buildKnnGraph(sub, m, dim), linkageOpts, seeds);
    dissolveJunk(subInput, loaded.low, c, {}, (l) => c.seedOf[l]! >= 0);
    // people whose groups merged: the one the user touched (at most one: touched people never merge), else the largest
    const into = new Map<number, number>(); // group root -> person id
    const byRoot = new Map<number, number[]>();
    c.seedRoots.forEach((r, j) => byRoot.set(r, [...(byRoot.get(r) ?? []), j]));
    for (const [r, js] of byRoot) {
      const pick = [...js].sort(
        (a, b) =>
          Number(seeds.facts[b]!.fixed !== 0) - Number(seeds.facts[a]!.fixed !== 0) ||
          models.count[b]! - models.count[a]! ||
          models.ids[a]! - models.ids[b]!,
      )[0]!;
      into.set(r, models.ids[pick]!);
      for (const j of js) if (j !== pick) merges.push([models.ids[j]!, models.ids[pick]!]);
    }
    c.labels.forEach((l, j) => {
      const p = into.get(c.roots[j]!);
      target[j] = p ?? (l >= 0 && o.newPeople ? -1 - l : 0);
    });
  } else if (m > 0) {
    const left: number[] = [];
    for (let j = 0; j < m; j++) {
      const { slot } = models.best(
        sub.subarray(j * dim, (j + 1) * dim),
        subInput.photos[j]!,
        rejects.get(j),
        o.threshold,
      );
      if (slot < 0) left.push(j);
      else {
        target[j] = models.ids[slot]!;
        models.photos[slot]!.add(subInput.photos[j]!);
      }
    }
    if (o.newPeople && left.length > 1) {
      const k = left.length;
      const rest = new Float32Array(k * dim);
      left.forEach((j, r) => rest.set(sub.subarray(j * dim, (j + 1) * dim), r * dim));
      const restInput = {
        ...subInput,
        n: k,
        vectors: rest,
        photos: Int32Array.from(left, (j) => subInput.photos[j]!),
        fixed: new Int32Array(k),
        tags: new Int32Array(k),
        rejects: new Map<number, number[]>(),
      };
      const c = algorithmByName(algorithm).run(restInput, buildKnnGraph(rest, k, dim), opts.options ?? {});
      dissolveJunk(restInput, loaded.low, c);
      left.forEach((j, r) => c.labels[r]! >= 0 && (target[j] = -1 - c.labels[r]!));
    }
  }
  // Low-quality faces may join a person or a new group they clearly resemble, never found one ([Note: quality gate]).
  const low = loaded.low;
  const moved = new Map(merges);
  const keys = Int32Array.from(person, (p) => moved.get(p) ?? p);
  fresh.forEach((i, j) => (keys[i] = target[j]!));
  // groups leaning towards the low-quality faces' direction take none of them (see [Note: junk groups])
  const all = new GroupModels(vectors, dim, input.photos, keys);
  const placedIn = new Set<number>();
  for (let i = 0; i < input.n; i++) if (loaded.user[i]) placedIn.add(keys[i]!);
  const leaning = junkLeaning(all, low, (s) => placedIn.has(all.ids[s]!));
  const closed = new Set(all.ids.filter((_, s) => leaning[s]));
  const groups = new GroupModels(
    vectors,
    dim,
    input.photos,
    keys.map((p) => (closed.has(p) ? 0 : p)),
  );
  const lowJoins: [number, number][] = [];
  const need = attachRule(linkageOpts);
  // every low-quality face the library guessed is decided again (they form nothing, so moving them moves nobody)
  groups.attach(low, need).forEach((slot, j) => {
    const to = slot < 0 ? 0 : groups.ids[slot]!;
    if (to !== (moved.get(low.person[j]!) ?? low.person[j]!)) lowJoins.push([low.faceIds[j]!, to]);
  });
  const unplaced = new Set([...fresh.map((i) => faceIds[i]!), ...low.faceIds.filter((_, j) => !low.person[j])]);
  const considered = unplaced.size;
  const lowLeaving = lowJoins.filter(([, t]) => t === 0);
  let joined = 0;
  let newPeople = 0;
  let newPeopleFaces = 0;
  const placed = [...fresh.map((i, j) => [faceIds[i]!, target[j]!] as [number, number]), ...lowJoins].filter(
    ([, t]) => t !== 0,
  );
  recordOp(db, 'assign', `Sort ${placed.length} new faces into people`, () => {
    const now = Date.now();
    const store = new ClusterStore(db);
    for (const [f] of lowLeaving) store.unplaceAuto(f);
    for (const [from, to] of merges) store.joinGroups(from, to, now);
    const created = new Map<number, number>();
    for (const [f, t] of placed) {
      let p = t;
      if (t < 0) {
        p = created.get(t) ?? store.newGroup(now);
        if (!created.has(t)) newPeople++;
        created.set(t, p);
        if (unplaced.has(f)) newPeopleFaces++;
      } else if (unplaced.has(f)) joined++;
      store.placeAuto(f, p, now);
    }
  });
  return {
    considered,
    joined,
    newPeople,
    newPeopleFaces,
    mergedPeople: merges.length,
    unknown: considered - joined - newPeopleFaces,
    ms: Math.round(performance.now() - t0),
  };
}

/**
 * The library's people as linkage seeds: each with its `candidatePeople` closest new faces as candidate pairs, and
 * pairs of people that some new face has both among its closest (the new face may be what joins them). People the
 * user has touched (named, merged, moved into, hidden) are fixed to themselves; untouched ones may merge, as a full
 * re-cluster would merge them (see [Note: re-cluster keeps the user's word]).
 */
function personSeeds(
  db: Db,
  loaded: LoadedFaces,
  models: GroupModels,
  sub: ClusterInput,
  o: IncrementalOptions,
): LinkageSeeds {
  const { dim } = sub;
  const count = models.ids.length;
  const touched = new Set(new ClusterStore(db).touchedIds());
  const sums = new Float32Array(count * dim);
  for (let s = 0; s < count; s++)
    for (let d = 0; d < dim; d++) sums[s * dim + d] = models.means[s * dim + d]! * models.count[s]!;
  const facts = models.ids.map((id, s) => {
    const g = new GroupFacts();
    for (const p of models.photos[s]!) g.photos.add(p);
    g.tags.add(id);
    g.fixed = touched.has(id) ? id : 0;
    return g;
  });
  // the photos and rejections of every face a person holds, low-quality ones included
  const { input, person, low } = loaded;
  for (let i = 0; i < input.n; i++) {
    const s = models.slot.get(person[i]!);
    if (s !== undefined) for (const r of input.rejects.get(i) ?? []) facts[s]!.rejects.add(r);
  }
  for (let j = 0; j < low.faceIds.length; j++) {
    const s = models.slot.get(low.person[j]!);
    if (s === undefined) continue;
    facts[s]!.photos.add(low.photos[j]!);
    for (const r of low.rejects.get(j) ?? []) facts[s]!.rejects.add(r);
  }
  const face: number[] = [];
  const seed: number[] = [];
  const pairs = new Set<number>();
  const best: { s: number; sc: number }[] = [];
  for (let j = 0; j < sub.n; j++) {
    best.length = 0;
    const v = sub.vectors.subarray(j * dim, (j + 1) * dim);
    for (let s = 0; s < count; s++) {
      const sc = models.score(v, s);
      if (sc >= linkageOptions.edgeMinSim) best.push({ s, sc });
    }
    best.sort((a, b) => b.sc - a.sc || a.s - b.s);
    const top = best.slice(0, o.candidatePeople);
    for (const b of top) {
      face.push(j);
      seed.push(b.s);
    }
    for (let a = 0; a < top.length; a++)
      for (let b = a + 1; b < top.length; b++) {
        const [x, y] = top[a]!.s < top[b]!.s ? [top[a]!.s, top[b]!.s] : [top[b]!.s, top[a]!.s];
        pairs.add(x * count + y);
      }
  }
  const sorted = [...pairs].sort((a, b) => a - b);
  return {
    count,
    sums,
    sizes: models.count,
    facts,
    face: Int32Array.from(face),
    seed: Int32Array.from(seed),
    pairA: Int32Array.from(sorted, (p) => Math.floor(p / count)),
    pairB: Int32Array.from(sorted, (p) => p % count),
  };
}
