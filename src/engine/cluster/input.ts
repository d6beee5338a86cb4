// Engine (cluster): what a clustering algorithm sees: unit embeddings, the kNN graph, and the constraints.
import type { KnnGraph } from './knn.js';

/**
 * [Note: constraints in clustering] Faces are indexed 0..n-1. Must-links: faces the user placed in a person
 * (`fixed[i]` = that person's id, 0 when none) start out as one group and are never split. Cannot-links: two
 * faces of one photo (`photos`); a face and every face of a person it was rejected from (`rejects[i]` lists
 * person ids, `tags[i]` is the person a face is in now, 0 when none); two groups fixed to different persons.
 * Every algorithm keeps all three; tests hold them to it.
 */
export interface ClusterInput {
  n: number;
  dim: number;
  vectors: Float32Array; // n * dim unit rows
  photos: Int32Array;
  fixed: Int32Array;
  tags: Int32Array;
  rejects: ReadonlyMap<number, readonly number[]>;
}

/** A clustering: labels[i] is the cluster of face i (0..clusters-1), or -1 when it fits nobody (unknown). */
export interface Clustering {
  labels: Int32Array;
  clusters: number;
  /** Clusters that take no low-quality face late (see [Note: junk groups]); absent: all may. */
  noAttach?: Uint8Array;
}

export interface Algorithm<O> {
  name: string;
  defaults: O;
  /** Compares plain cosines: its faces are loaded unscaled (see [Note: quality-aware similarity]). */
  plainCosine?: boolean;
  run(input: ClusterInput, graph: KnnGraph, opts?: Partial<O>): Clustering;
}

/** An input with no constraints but one photo per face, for synthetic data and tests. */
export function plainInput(vectors: Float32Array, n: number, dim: number, photos?: Int32Array): ClusterInput {
  return {
    n,
    dim,
    vectors,
    photos: photos ?? Int32Array.from({ length: n }, (_, i) => i),
    fixed: new Int32Array(n),
    tags: new Int32Array(n),
    rejects: new Map(),
  };
}

/**
 * The cannot-link bookkeeping of a growing group of faces: its photos, the persons its faces are in now, the
 * persons its faces were rejected from, and the person it is fixed to. Merging keeps the union.
 */
export class GroupFacts {
  photos = new Set<number>();
  tags = new Set<number>();
  rejects = new Set<number>();
  fixed = 0;

  static of(input: ClusterInput, i: number): GroupFacts {
    const g = new GroupFacts();
    g.photos.add(input.photos[i]!);
    if (input.tags[i]) g.tags.add(input.tags[i]!);
    for (const p of input.rejects.get(i) ?? []) g.rejects.add(p);
    g.fixed = input.fixed[i]!;
    return g;
  }

  /** True when no cannot-link forbids putting the two groups together. */
  compatible(o: GroupFacts): boolean {
    if (this.fixed && o.fixed && this.fixed !== o.fixed) return false;
    if (!disjoint(this.photos, o.photos)) return false;
    if (!disjoint(this.rejects, o.tags) || !disjoint(o.rejects, this.tags)) return false;
    if (this.fixed && o.rejects.has(this.fixed)) return false;
    if (o.fixed && this.rejects.has(o.fixed)) return false;
    return true;
  }

  /** Adds `o` into this group (call on the larger one). */
  absorb(o: GroupFacts): void {
    for (const p of o.photos) this.photos.add(p);
    for (const p of o.tags) this.tags.add(p);
    for (const p of o.rejects) this.rejects.add(p);
    if (!this.fixed) this.fixed = o.fixed;
  }
}

function disjoint(a: Set<number>, b: Set<number>): boolean {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) return false;
  return true;
}

/** Renumbers labels to 0..k-1 by first appearance, dropping clusters smaller than `minSize` to -1. */
export function compactLabels(raw: Int32Array, minSize: number, keep?: (root: number) => boolean): Clustering {
  const size = new Map<number, number>();
  for (const r of raw) if (r >= 0) size.set(r, (size.get(r) ?? 0) + 1);
  const map = new Map<number, number>();
  const labels = new Int32Array(raw.length).fill(-1);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    if (r < 0) continue;
    if ((size.get(r) ?? 0) < minSize && !(keep?.(r) ?? false)) continue;
    let l = map.get(r);
    if (l === undefined) map.set(r, (l = map.size));
    labels[i] = l;
  }
  return { labels, clusters: map.size };
}
