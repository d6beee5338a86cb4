// Engine (cluster): the Immich-style density baseline (core faces seed people, others attach or stay unknown).
import { compactLabels, GroupFacts, type Algorithm, type ClusterInput, type Clustering } from './input.js';
import type { KnnGraph } from './knn.js';

export const densityOptions = {
  /** A face is a core face when at least this many faces (itself included) lie within maxDistance. */
  minFaces: 3,
  /** Cosine distance (1 - cosine similarity) within which two faces count as neighbours. */
  maxDistance: 0.5,
};
export type DensityOptions = typeof densityOptions;

/**
 * [Note: density baseline] Immich's recognition pass, replayed over the kNN graph in face order: a core face
 * joins the person of its nearest neighbour that already has one, or founds a new person; non-core faces wait
 * for a second pass and then join the person of their nearest neighbour within maxDistance, or stay unknown.
 * It is greedy and single-linkage in spirit (one close pair is enough to join), which is what lets look-alikes
 * and blurry faces glue people together; it is kept as the baseline every other method is measured against.
 * Constraints are honoured the same way as everywhere: a face never joins a person it conflicts with.
 */
export function densityCluster(input: ClusterInput, graph: KnnGraph, opts: Partial<DensityOptions> = {}): Clustering {
  const o = { ...densityOptions, ...opts };
  const { n } = input;
  const minSim = 1 - o.maxDistance;
  const { k, nbr, sim } = graph;
  const person = new Int32Array(n).fill(-1);
  const facts: GroupFacts[] = [];
  const firstOf = new Map<number, number>();
  // Faces the user placed start in their person.
  for (let i = 0; i < n; i++) {
    const p = input.fixed[i]!;
    if (!p) continue;
    let c = firstOf.get(p);
    if (c === undefined) {
      firstOf.set(p, (c = facts.length));
      facts.push(GroupFacts.of(input, i));
    } else facts[c]!.absorb(GroupFacts.of(input, i));
    person[i] = c;
  }
  const tryJoin = (i: number): boolean => {
    const mine = GroupFacts.of(input, i);
    for (let j = 0; j < k; j++) {
      const t = nbr[i * k + j]!;
      if (t < 0 || sim[i * k + j]! < minSim) break;
      const c = person[t]!;
      if (c < 0 || !facts[c]!.compatible(mine)) continue;
      facts[c]!.absorb(mine);
      person[i] = c;
      return true;
    }
    return false;
  };
  const deferred: number[] = [];
  for (let i = 0; i < n; i++) {
    if (person[i]! >= 0) continue;
    let near = 1;
    for (let j = 0; j < k && nbr[i * k + j]! >= 0 && sim[i * k + j]! >= minSim; j++) near++;
    if (near < o.minFaces) {
      deferred.push(i);
      continue;
    }
    if (!tryJoin(i)) {
      person[i] = facts.length;
      facts.push(GroupFacts.of(input, i));
    }
  }
  for (const i of deferred) tryJoin(i);
  return compactLabels(person, 1);
}

export const density: Algorithm<DensityOptions> = {
  name: 'density',
  defaults: densityOptions,
  plainCosine: true,
  run: densityCluster,
};
