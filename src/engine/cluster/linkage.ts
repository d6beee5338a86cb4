// Engine (cluster): average-linkage agglomerative clustering over the kNN graph, with must-/cannot-links.
import { compactLabels, GroupFacts, type Algorithm, type ClusterInput, type Clustering } from './input.js';
import type { KnnGraph } from './knn.js';
import { MergeHeap } from './heap.js';

export const linkageOptions = {
  /** Two large groups merge while the mean cosine similarity over all their face pairs is at least this. */
  threshold: 0.22,
  /** kNN edges below this similarity never make two groups candidates for a merge. */
  edgeMinSim: 0.15,
  /**
   * Look-alike guard (see [Note: look-alike guard]): two groups of at least `guardMinSize` faces each also need
   * the cosine of their mean embeddings to reach `guardCos`. 0 turns the guard off.
   */
  guardCos: 0.55,
  guardMinSize: 3,
  /**
   * Two single faces need this mean instead of `threshold`; the requirement eases towards `threshold` as
   * sqrt(|A||B|) grows (see [Note: small groups]). 0: `threshold` for every size.
   */
  smallThreshold: 0.53,
  /** Groups with fewer faces stay unknown (groups holding a user-placed face are always kept). */
  minPersonFaces: 2,
  /** At most this many passes over the edges (see [Note: merge rounds]). */
  maxRounds: 8,
};
export type LinkageOptions = typeof linkageOptions;

/**
 * Groups that exist before the clustering (incremental assignment: the library's people): each may take faces,
 * groups of faces and other seeds by the same linkage as any group, and is never split. Two seeds fixed to
 * different persons (facts.fixed) never merge; seeds with fixed 0 may.
 */
export interface LinkageSeeds {
  count: number;
  /** Sum of each seed's unit embeddings (count * dim floats) and its number of faces. */
  sums: Float32Array;
  sizes: ArrayLike<number>;
  /** Cannot-link facts of each seed (its photos, person, the persons its faces were rejected from). */
  facts: GroupFacts[];
  /** Candidate pairs: face row `face[j]` and seed `seed[j]` (the kNN graph holds faces only). */
  face: Int32Array;
  seed: Int32Array;
  /** Candidate pairs of seeds. */
  pairA: Int32Array;
  pairB: Int32Array;
}

/**
 * A clustering of the faces, with the seed each cluster grew from (-1: a new group), and the final group of every
 * face (`roots`) and seed (`seedRoots`), so seeds that merged can be found.
 */
export interface SeededClustering extends Clustering {
  seedOf: Int32Array;
  roots: Int32Array;
  seedRoots: Int32Array;
}

/**
 * The margin a pair of groups of sizes a and b clears: how far their mean cosine is above what their sizes
 * require (`threshold`, plus the small-group surcharge; see [Note: small groups]). Merges happen at >= 0.
 */
export function required(o: LinkageOptions, a: number, b: number): number {
  const extra = o.smallThreshold > o.threshold ? o.smallThreshold - o.threshold : 0;
  return o.threshold + (extra ? extra / Math.sqrt(a * b) : 0);
}

/** What a single face needs to join a group of `count` faces: the linkage's own rule (see [Note: small groups]). */
export function attachRule(opts: Partial<LinkageOptions> = {}): (count: number) => number {
  const o = { ...linkageOptions, ...opts };
  return (count) => required(o, 1, count);
}

/**
 * [Note: average linkage on the kNN graph] The linkage of two groups is the mean cosine over every pair of
 * their faces, not only the pairs the graph holds: that mean is dot(sumA, sumB) / (|A||B|), exact and one 512-D
 * dot product away (the rows are unit embeddings scaled by quality, so each "cosine" here is the quality-aware
 * one: see [Note: quality-aware similarity]). The graph only says which groups are worth comparing (a group pair
 * needs one kNN edge between them), which keeps the work near n * k instead of n^2. A single close look-alike
 * pair cannot chain two people together the way single linkage (and the density baseline) lets it, because
 * every other pair pulls the mean down.
 *
 * [Note: small groups] The mean of a few pairs says less than the mean of many, and how much less depends on
 * the library: among LFW's 2,086 people (most seen once) two single faces at a mean cosine of 0.30-0.45 are
 * almost never one person (24 of 415 such merges were right), while between large groups 0.22-0.3 still joins
 * two halves of one person in celeba-wild and celebs24. So a pair must clear threshold + extra / sqrt(|A||B|),
 * extra = smallThreshold - threshold: 0.53 for two single faces, 0.36 for a face and a group of five, 0.31 for a
 * face and a group of twelve, 0.22 in the limit. Chosen on every labelled set at once (bench/cluster-sets.ts):
 * celeba-wild, LFW with all its singletons, celebs24, fixtures/bbt and fixtures/wild, the same defaults for all.
 *
 * [Note: lazy merge heap] Merges run best-first from a heap of kNN edges. After a merge, the new group's mean
 * to a neighbour is a size-weighted average of its parts' means, so old keys are (almost always) upper bounds:
 * rather than re-scoring every neighbour of a growing group at each merge (quadratic in a person's size), an
 * entry is re-scored when it reaches the top, between the groups its two faces belong to now, and goes back in
 * with its current value when that changed. A pair that breaks a cannot-link is dropped: cannot-links only grow
 * as groups grow, so it never needs a second look.
 *
 * [Note: merge rounds] With the small-group surcharge a pair's margin can rise as its groups grow: an edge below
 * the bar when first scored may clear it later, and the heap would never see it again (before this, a face whose
 * mean to its eleven look-mates was 0.39 stayed alone because its edges were scored against single faces). So when
 * the heap runs dry, every edge is scored again between the groups of now, and merging goes on while that finds
 * new pairs: a handful of rounds in practice, `maxRounds` at most.
 *
 * [Note: look-alike guard] Two tight groups of different look-alike people can have a mean pairwise cosine
 * above the threshold (celeba-wild holds such a pair at 0.32, each person at 0.67-0.75 inside). The cosine of the
 * two groups' mean embeddings divides the mean by each group's own spread: two halves of one person score near
 * 1, two look-alikes near 0.45. Between groups large enough for their means to be trustworthy, a merge needs both.
 */
export function linkageCluster(input: ClusterInput, graph: KnnGraph, opts: Partial<LinkageOptions> = {}): Clustering {
  return linkageSeeded(input, graph, opts);
}

/** Average linkage over the faces of `input`, growing `seeds` when given (see LinkageSeeds). */
export function linkageSeeded(
  input: ClusterInput,
  graph: KnnGraph,
  opts: Partial<LinkageOptions> = {},
  seeds?: LinkageSeeds,
): SeededClustering {
  const o = { ...linkageOptions, ...opts };
  const { n, dim, vectors } = input;
  const s = seeds?.count ?? 0;
  const N = n + s; // rows 0..n-1 are faces, n..N-1 seeds
  const parent = Int32Array.from({ length: N }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const size = new Int32Array(N).fill(1);
  const sums = new Float32Array(N * dim);
  sums.set(vectors.subarray(0, n * dim));
  const facts: (GroupFacts | undefined)[] = new Array(N);
  const seedIn = new Int32Array(N).fill(-1);
  if (seeds) {
    sums.set(seeds.sums.subarray(0, s * dim), n * dim);
    for (let j = 0; j < s; j++) {
      size[n + j] = seeds.sizes[j]!;
      facts[n + j] = seeds.facts[j]!;
      seedIn[n + j] = j;
    }
  }
  const factsOf = (r: number) => (facts[r] ??= GroupFacts.of(input, r));

  const join = (a: number, b: number): number => {
    const [big, small] = size[a]! > size[b]! || (size[a] === size[b] && a < b) ? [a, b] : [b, a];
    parent[small] = big;
    size[big] = size[big]! + size[small]!;
    for (let d = 0; d < dim; d++) sums[big * dim + d]! += sums[small * dim + d]!;
    factsOf(big).absorb(factsOf(small));
    facts[small] = undefined;
    if (seedIn[big]! < 0) seedIn[big] = seedIn[small]!;
    return big;
  };

  // Must-links: the faces the user placed in one person start as one group.
  const firstOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const p = input.fixed[i]!;
    if (!p) continue;
    const f = firstOf.get(p);
    if (f === undefined) firstOf.set(p, i);
    else join(find(f), find(i));
  }

  const dotSums = (a: number, b: number): number => {
    let sum = 0;
    const x = a * dim;
    const y = b * dim;
    for (let d = 0; d < dim; d++) sum += sums[x + d]! * sums[y + d]!;
    return sum;
  };
  const score = (a: number, b: number): number => {
    const avg = dotSums(a, b) / (size[a]! * size[b]!);
    if (o.guardCos <= 0 || size[a]! < o.guardMinSize || size[b]! < o.guardMinSize || avg < o.threshold) return avg;
    return avg / Math.sqrt((dotSums(a, a) / size[a]! ** 2) * (dotSums(b, b) / size[b]! ** 2)) >= o.guardCos
      ? avg
      : -Infinity;
  };
  const margin = (a: number, b: number): number => score(a, b) - required(o, size[a]!, size[b]!);

  // The candidate edges, each undirected pair once: kNN edges strong enough, then face-seed pairs.
  const ea: number[] = [];
  const eb: number[] = [];
  const { k, nbr, sim } = graph;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = nbr[i * k + j]!;
      if (t < 0 || sim[i * k + j]! < o.edgeMinSim) continue;
      // from its smaller end, or from the end that does not list the other
      if (i > t && nbrHas(nbr, k, t, i)) continue;
      ea.push(i);
      eb.push(t);
    }
  }
  if (seeds) {
    for (let j = 0; j < seeds.face.length; j++) {
      ea.push(seeds.face[j]!);
      eb.push(n + seeds.seed[j]!);
    }
    for (let j = 0; j < seeds.pairA.length; j++) {
      ea.push(n + seeds.pairA[j]!);
      eb.push(n + seeds.pairB[j]!);
    }
  }

  const heap = new MergeHeap();
  /** Pushes every edge between two groups whose margin is >= 0 now (keyed by it); returns how many. */
  const pushEdges = (): number => {
    let pushed = 0;
    for (let e = 0; e < ea.length; e++) {
      const a = find(ea[e]!);
      const b = find(eb[e]!);
      if (a === b) continue;
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const sc = margin(lo, hi);
      if (sc >= 0) {
        heap.push(sc, lo, hi);
        pushed++;
      }
    }
    return pushed;
  };
  const dead = new Set<number>(); // group pairs a cannot-link keeps apart for good, as lo * N + hi
  const top = { score: 0, a: 0, b: 0 };
  for (let round = 0; round < o.maxRounds; round++) {
    if (pushEdges() === 0) break;
    let merged = 0;
    while (heap.pop(top)) {
      const a = find(top.a);
      const b = find(top.b);
      if (a === b) continue;
      const [lo, hi] = a < b ? [a, b] : [b, a];
      if (dead.has(lo * N + hi)) continue;
      const fresh = margin(lo, hi);
      if (fresh < 0) continue;
      if (Math.abs(fresh - top.score) > 1e-7) {
        heap.push(fresh, lo, hi); // stale key: back in with today's value
        continue;
      }
      if (!factsOf(lo).compatible(factsOf(hi))) {
        dead.add(lo * N + hi); // cannot-links only grow: this pair never merges
        continue;
      }
      join(lo, hi);
      merged++;
    }
    if (merged === 0) break;
  }
  const roots = new Int32Array(n);
  for (let i = 0; i < n; i++) roots[i] = find(i);
  const c = compactLabels(
    roots,
    o.minPersonFaces,
    (r) => seedIn[r]! >= 0 || (facts[r]?.fixed ?? input.fixed[r]!) !== 0,
  );
  const seedOf = new Int32Array(c.clusters).fill(-1);
  for (let i = 0; i < n; i++) if (c.labels[i]! >= 0) seedOf[c.labels[i]!] = seedIn[roots[i]!]!;
  return { ...c, seedOf, roots, seedRoots: Int32Array.from({ length: s }, (_, j) => find(n + j)) };
}

function nbrHas(nbr: Int32Array, k: number, row: number, x: number): boolean {
  for (let j = 0; j < k; j++) if (nbr[row * k + j] === x) return true;
  return false;
}

export const linkage: Algorithm<LinkageOptions> = { name: 'linkage', defaults: linkageOptions, run: linkageCluster };
