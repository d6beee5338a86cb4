// Engine (cluster): incremental assignment: new faces join existing people when close enough, no full re-cluster.
import type { Db } from '../store/db.js';
import { recordOp } from '../store/history.js';
import { algorithmByName, DEFAULT_ALGORITHM } from './algorithms.js';
import { buildKnnGraph } from './knn.js';
import { linkageOptions } from './linkage.js';
import { loadFaces, loadOptions, type LoadedFaces } from './load.js';
import { dissolveJunk } from './junk.js';
import { GroupModels } from './models.js';

export const incrementalOptions = {
  /**
   * A face joins the person whose faces it resembles most on average (mean cosine over all the person's faces,
   * the same criterion as the average-linkage clustering) when that mean is at least this.
   */
  threshold: linkageOptions.threshold,
  minQuality: loadOptions.minQuality,
  /** Cluster the faces that fit nobody among themselves into new people (clusters below minPersonFaces stay unknown). */
  newPeople: 1,
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
  unknown: number;
  ms: number;
}

/**
 * [Note: incremental assignment] After an import, each face in nobody is compared with every person's mean
 * embedding (dot(face, mean) is the face's mean cosine to that person's faces) and joins the best one when it
 * reaches the threshold and breaks no cannot-link: a person it was rejected from, or a person already in its
 * photo (faces joining in this run count). Means are fixed for the run, so the result does not depend on the
 * order faces arrive in. Low-quality faces may join too but never found a group. The good faces left over are clustered among themselves (same algorithm, same options) so a
 * new person in a new folder appears as a group; the rest stay unknown. Nothing already placed moves.
 */
export function assignNewFaces(db: Db, opts: Partial<IncrementalOptions> & { algorithm?: string } = {}): AssignResult {
  const o = { ...incrementalOptions, ...opts };
  const t0 = performance.now();
  const loaded = loadFaces(db, { minQuality: o.minQuality });
  const models = new PersonModels(loaded);
  const { input, person, faceIds } = loaded;
  const { dim, vectors } = input;
  const joins: [number, number][] = [];
  const left: number[] = [];
  let considered = 0;
  const tryJoin = (
    faceId: number,
    vec: Float32Array,
    photo: number,
    rejected: readonly number[] | undefined,
  ): boolean => {
    const { slot } = models.best(vec, photo, rejected, o.threshold);
    if (slot < 0) return false;
    joins.push([faceId, models.ids[slot]!]);
    models.photos[slot]!.add(photo);
    return true;
  };
  for (let i = 0; i < input.n; i++) {
    if (person[i]) continue;
    considered++;
    if (!tryJoin(faceIds[i]!, vectors.subarray(i * dim, (i + 1) * dim), input.photos[i]!, input.rejects.get(i)))
      left.push(i);
  }
  // Low-quality faces may join a person they clearly resemble, never found a group (see [Note: quality gate]).
  const low = loaded.low;
  for (let j = 0; j < low.faceIds.length; j++) {
    if (low.person[j]) continue;
    considered++;
    tryJoin(low.faceIds[j]!, low.vectors.subarray(j * dim, (j + 1) * dim), low.photos[j]!, low.rejects.get(j));
  }
  let newPeople = 0;
  let newPeopleFaces = 0;
  const groups: number[][] = [];
  if (o.newPeople && left.length > 1) {
    const m = left.length;
    const sub = new Float32Array(m * dim);
    left.forEach((i, j) => sub.set(vectors.subarray(i * dim, (i + 1) * dim), j * dim));
    const subInput = {
      n: m,
      dim,
      vectors: sub,
      photos: Int32Array.from(left, (i) => input.photos[i]!),
      fixed: new Int32Array(m),
      tags: new Int32Array(m),
      rejects: new Map<number, number[]>(),
    };
    const c = algorithmByName(opts.algorithm ?? DEFAULT_ALGORITHM).run(subInput, buildKnnGraph(sub, m, dim), {});
    dissolveJunk(subInput, loaded.low, c);
    for (let g = 0; g < c.clusters; g++) groups.push([]);
    c.labels.forEach((l, j) => l >= 0 && groups[l]!.push(faceIds[left[j]!]!));
    for (let g = groups.length - 1; g >= 0; g--) if (groups[g]!.length === 0) groups.splice(g, 1);
  }
  recordOp(
    db,
    'assign',
    `Sort ${joins.length + groups.reduce((s, g) => s + g.length, 0)} new faces into people`,
    () => {
      const now = Date.now();
      const put = db.prepare(
        `INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'auto', ?) ON CONFLICT(face_id) DO NOTHING`,
      );
      for (const [f, p] of joins) put.run(f, p, now);
      const ins = db.prepare('INSERT INTO people (name, created_at) VALUES (NULL, ?)');
      for (const g of groups) {
        const p = Number(ins.run(now).lastInsertRowid);
        newPeople++;
        for (const f of g) put.run(f, p, now);
        newPeopleFaces += g.length;
      }
    },
  );
  return {
    considered,
    joined: joins.length,
    newPeople,
    newPeopleFaces,
    unknown: considered - joins.length - newPeopleFaces,
    ms: Math.round(performance.now() - t0),
  };
}
