// Engine (cluster): mean embeddings, sizes and photos of groups of faces, and the "which group does this face join" test.

/**
 * One entry per group key (a person id, or a planned person): the mean of its unit embeddings (so a face's dot
 * product with it is the face's mean cosine to the group's faces), its size and its photos.
 */
export class GroupModels {
  readonly ids: number[] = [];
  readonly count: number[] = [];
  readonly photos: Set<number>[] = [];
  readonly means: Float32Array;
  readonly slot = new Map<number, number>();

  /** Groups faces by `keys[i]` (0: in no group). */
  constructor(
    vectors: Float32Array,
    readonly dim: number,
    photos: ArrayLike<number>,
    keys: ArrayLike<number>,
  ) {
    const sums: Float64Array[] = [];
    for (let i = 0; i < keys.length; i++) {
      const p = keys[i]!;
      if (!p) continue;
      let s = this.slot.get(p);
      if (s === undefined) {
        this.slot.set(p, (s = this.ids.length));
        this.ids.push(p);
        this.count.push(0);
        this.photos.push(new Set());
        sums.push(new Float64Array(dim));
      }
      this.count[s]!++;
      this.photos[s]!.add(photos[i]!);
      const sum = sums[s]!;
      for (let d = 0; d < dim; d++) sum[d]! += vectors[i * dim + d]!;
    }
    this.means = new Float32Array(this.ids.length * dim);
    sums.forEach((sum, s) => {
      for (let d = 0; d < dim; d++) this.means[s * dim + d] = sum[d]! / this.count[s]!;
    });
  }

  /** Mean cosine of face `vec` to group slot `s`. */
  score(vec: Float32Array, s: number): number {
    let dot = 0;
    const b = s * this.dim;
    for (let d = 0; d < this.dim; d++) dot += vec[d]! * this.means[b + d]!;
    return dot;
  }

  /**
   * The group a face joins: among groups that break no cannot-link (the face's photo already in the group, or the
   * group's key rejected) and whose mean cosine reaches what they require (`need`: one threshold for all, or one
   * that depends on the group's size), the one with the largest margin (its mean cosine less what it needs).
   * -1 (and margin 0) when none fits.
   */
  best(
    vec: Float32Array,
    photo: number,
    rejected: readonly number[] | undefined,
    need: number | ((count: number) => number),
  ): { slot: number; score: number; margin: number } {
    let slot = -1;
    let score = -Infinity;
    let best = 0;
    for (let s = 0; s < this.ids.length; s++) {
      const sc = this.score(vec, s);
      const m = sc - (typeof need === 'number' ? need : need(this.count[s]!));
      if (m < best || (slot >= 0 && m === best)) continue;
      if (this.photos[s]!.has(photo) || rejected?.includes(this.ids[s]!)) continue;
      slot = s;
      score = sc;
      best = m;
    }
    return { slot, score: slot >= 0 ? score : typeof need === 'number' ? need : -Infinity, margin: best };
  }

  /**
   * [Note: late attach] Where low-quality faces go after the clustering: each to the group `best` finds for it,
   * but a group takes at most as many of them as it has faces of its own, those that resemble it most first (a
   * face left over, or a second face of a photo already taken, stays in nobody). Low-quality faces join people;
   * they never make one. Without the cap, two dubious faces just above the gate (a pattern, a blurred cheek) drew
   * 21 gated faces on celeba-wild once cosines were quality-aware ([Note: quality-aware similarity]; 12 with the
   * gated faces' own cosines left plain) and became the largest "person" of the People page; LFW had a group of 32
   * faces, 24 of them gated, even with plain cosines. Returns each face's slot, -1 for none.
   */
  attach(
    low: { vectors: Float32Array; photos: ArrayLike<number>; rejects: ReadonlyMap<number, readonly number[]> },
    need: number | ((count: number) => number),
  ): Int32Array {
    const m = low.photos.length;
    const slots = new Int32Array(m).fill(-1);
    const wants: { j: number; slot: number; margin: number }[] = [];
    for (let j = 0; j < m; j++) {
      const { slot, margin } = this.best(
        low.vectors.subarray(j * this.dim, (j + 1) * this.dim),
        low.photos[j]!,
        low.rejects.get(j),
        need,
      );
      if (slot >= 0) wants.push({ j, slot, margin });
    }
    wants.sort((a, b) => b.margin - a.margin || a.j - b.j);
    const taken = new Int32Array(this.ids.length);
    for (const { j, slot } of wants) {
      if (taken[slot]! >= this.count[slot]! || this.photos[slot]!.has(low.photos[j]!)) continue;
      slots[j] = slot;
      taken[slot]!++;
      this.photos[slot]!.add(low.photos[j]!);
    }
    return slots;
  }
}
