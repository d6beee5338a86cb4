// Engine (cluster): groups of unidentifiable faces (blur, non-faces) found by their direction and left unknown.
import type { ClusterInput, Clustering } from './input.js';
import type { LowFaces } from './load.js';
import type { GroupModels } from './models.js';

export const junkOptions = {
  /** A group whose mean embedding has at least this cosine with the mean of the low-quality faces is junk. */
  junkCos: 0.7,
  /** A group whose mean has at least this cosine with it keeps its faces but takes no low-quality faces late. */
  attachJunkCos: 0.5,
  /** The low-quality mean is trusted from this many low-quality faces on; fewer, and nothing is called junk. */
  minLowFaces: 20,
};
export type JunkOptions = typeof junkOptions;

/**
 * [Note: junk groups] A recognizer answers faces it cannot identify (heavy blur, tiny, half a face, a pattern
 * that is no face) with embeddings near one common direction, which is why such faces attract each other and
 * glue people together. The mean of the faces the quality gate kept out estimates that direction. A group
 * whose own mean points the same way (cosine >= junkCos; on celeba-wild the one such group scores 0.86 while
 * every real person stays below 0.6) is a group of unidentifiable faces: it is dissolved (its faces stay
 * unknown). A group merely leaning that way (>= attachJunkCos; a group of six background faces at 0.56 drew
 * forty blurry faces of 37 people before this rule) keeps its faces but takes no low-quality face late. Groups
 * holding a face the user placed are kept. Marks `c.noAttach`; returns the number of groups dissolved.
 */
export function dissolveJunk(
  input: ClusterInput,
  low: LowFaces,
  c: Clustering,
  opts: Partial<JunkOptions> = {},
  /** Clusters never dissolved nor closed (incremental assignment: the people that existed before). */
  keep?: (cluster: number) => boolean,
): number {
  const o = { ...junkOptions, ...opts };
  const m = low.faceIds.length;
  const { dim, vectors } = input;
  if (m < o.minLowFaces || c.clusters === 0) return 0;
  const junk = new Float64Array(dim);
  for (let j = 0; j < m; j++) for (let d = 0; d < dim; d++) junk[d]! += low.vectors[j * dim + d]!;
  const sums = new Float64Array(c.clusters * dim);
  const fixed = new Uint8Array(c.clusters);
  for (let i = 0; i < input.n; i++) {
    const l = c.labels[i]!;
    if (l < 0) continue;
    if (input.fixed[i]) fixed[l] = 1;
    for (let d = 0; d < dim; d++) sums[l * dim + d]! += vectors[i * dim + d]!;
  }
  const norm = (v: Float64Array, off: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[off + d]! ** 2;
    return Math.sqrt(s);
  };
  const jn = norm(junk, 0);
  const dead = new Uint8Array(c.clusters);
  const noAttach = new Uint8Array(c.clusters);
  c.noAttach = noAttach;
  let count = 0;
  for (let l = 0; l < c.clusters; l++) {
    if (fixed[l] || keep?.(l)) continue;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += sums[l * dim + d]! * junk[d]!;
    const cos = dot / (norm(sums, l * dim) * jn || 1);
    if (cos >= o.attachJunkCos) noAttach[l] = 1;
    if (cos >= o.junkCos) {
      dead[l] = 1;
      count++;
    }
  }
  if (count === 0) return 0;
  for (let i = 0; i < input.n; i++) if (c.labels[i]! >= 0 && dead[c.labels[i]!]) c.labels[i] = -1;
  return count;
}

/**
 * The groups (persons, or planned groups) whose mean over their good faces leans towards the direction of the
 * low-quality faces (cosine >= attachJunkCos): they take no low-quality face late, the rule dissolveJunk marks
 * clusters with, applied to groups that already exist (incremental assignment). Groups holding a face the user
 * placed are never marked. One flag per slot of `groups`.
 */
export function junkLeaning(
  groups: GroupModels,
  low: LowFaces,
  placed: (slot: number) => boolean,
  opts: Partial<JunkOptions> = {},
): Uint8Array {
  const o = { ...junkOptions, ...opts };
  const dim = groups.dim;
  const out = new Uint8Array(groups.ids.length);
  const m = low.faceIds.length;
  if (m < o.minLowFaces) return out;
  const junk = new Float64Array(dim);
  for (let j = 0; j < m; j++) for (let d = 0; d < dim; d++) junk[d]! += low.vectors[j * dim + d]!;
  let jn = 0;
  for (let d = 0; d < dim; d++) jn += junk[d]! ** 2;
  jn = Math.sqrt(jn);
  for (let s = 0; s < groups.ids.length; s++) {
    if (placed(s)) continue;
    let dot = 0;
    let nn = 0;
    for (let d = 0; d < dim; d++) {
      const v = groups.means[s * dim + d]!;
      dot += v * junk[d]!;
      nn += v * v;
    }
    if (dot / (Math.sqrt(nn) * jn || 1) >= o.attachJunkCos) out[s] = 1;
  }
  return out;
}
