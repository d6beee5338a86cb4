// Engine (cluster): reads the faces to cluster (active head's embeddings, quality gate) and their constraints from SQLite.
import { blobInto, blobToF32 } from '../store/blob.js';
import { ClusterStore } from '../store/clustering.js';
import type { Db } from '../store/db.js';
import { HeadStore } from '../store/heads.js';
import type { ClusterInput } from './input.js';

export const loadOptions = {
  /** Faces with quality below this stay out of clustering ("low quality"), unless the user placed them. */
  minQuality: 0.35,
};
export type LoadOptions = typeof loadOptions;

export interface LoadedFaces {
  /** Database face id of each input row. */
  faceIds: Int32Array;
  input: ClusterInput;
  /** Current person of each row (0: none) and whether the user placed it there. */
  person: Int32Array;
  user: Uint8Array;
  headId: number;
  /** Faces the quality gate kept out. */
  gated: number;
  /** Those faces themselves (not placed by the user), for the late attach step (see [Note: quality gate]). */
  low: LowFaces;
}

export interface LowFaces {
  faceIds: Int32Array;
  vectors: Float32Array;
  photos: Int32Array;
  person: Int32Array;
  rejects: Map<number, number[]>;
}

export function activeHeadId(db: Db): number {
  return new HeadStore(db).active().id;
}

/**
 * [Note: quality gate] Tiny, blurred, sideways faces and non-faces sit between people in embedding space and
 * glue them into one mega-cluster. Faces whose quality is below `minQuality` are left out of clustering,
 * incremental assignment and suggestions; they stay visible as "low quality" and the user can still place
 * one by hand, which brings it in (a user's decision outranks the gate). Faces with no quality score pass.
 * After clustering, a low-quality face may still join a person whose faces it clearly resembles (the same
 * mean-cosine test as incremental assignment): it takes no part in forming groups, so it cannot glue two
 * people together, and it keeps its "low quality" flag wherever it sits.
 */
export function loadFaces(db: Db, opts: Partial<LoadOptions> = {}): LoadedFaces {
  const o = { ...loadOptions, ...opts };
  const headId = activeHeadId(db);
  const store = new ClusterStore(db);
  const rows = store.faces(headId);
  // [Note: one copy of the vectors] The rows are counted first and every vector is written straight into one
  // shared buffer (the kNN workers read it without a copy): at 150k faces a second copy would be 300 MB more.
  const total = store.faceCount(headId);
  const ids: number[] = [];
  const photos: number[] = [];
  const person: number[] = [];
  const user: number[] = [];
  let all: Float32Array = new Float32Array(0);
  let gated = 0;
  let dim = 0;
  const low = { ids: [] as number[], photos: [] as number[], person: [] as number[], vecs: [] as Float32Array[] };
  for (const [id, photo, quality, vec, pid, source] of rows) {
    if (dim === 0) {
      dim = vec.byteLength / 4;
      all = new Float32Array(new SharedArrayBuffer(total * dim * 4));
    }
    if (vec.byteLength !== dim * 4)
      throw new Error(`face ${id}: embedding has ${vec.byteLength / 4} floats, others ${dim}`);
    const placed = source === 'user';
    if (!placed && quality !== null && quality < o.minQuality) {
      gated++;
      low.ids.push(id);
      low.photos.push(photo);
      low.person.push(pid ?? 0);
      low.vecs.push(blobToF32(vec));
      continue;
    }
    if (ids.length >= total) throw new Error('faces were added while they were being loaded');
    blobInto(vec, all, ids.length * dim, dim);
    ids.push(id);
    photos.push(photo);
    person.push(pid ?? 0);
    user.push(placed ? 1 : 0);
  }
  const n = ids.length;
  const vectors = all.subarray(0, n * dim);
  const index = new Map<number, number>();
  ids.forEach((id, i) => index.set(id, i));
  const lowIndex = new Map<number, number>();
  low.ids.forEach((id, i) => lowIndex.set(id, i));
  const rejects = new Map<number, number[]>();
  const lowRejects = new Map<number, number[]>();
  for (const r of store.rejections()) {
    const i = index.get(r.face_id);
    const j = lowIndex.get(r.face_id);
    const [m, k] = i !== undefined ? [rejects, i] : j !== undefined ? [lowRejects, j] : [undefined, 0];
    if (!m) continue;
    const list = m.get(k) ?? [];
    list.push(r.person_id);
    m.set(k, list);
  }
  const lowVectors = new Float32Array(low.ids.length * dim);
  low.vecs.forEach((v, i) => lowVectors.set(v, i * dim));
  const personArr = Int32Array.from(person);
  const userArr = Uint8Array.from(user);
  return {
    faceIds: Int32Array.from(ids),
    person: personArr,
    user: userArr,
    headId,
    gated,
    low: {
      faceIds: Int32Array.from(low.ids),
      vectors: lowVectors,
      photos: Int32Array.from(low.photos),
      person: Int32Array.from(low.person),
      rejects: lowRejects,
    },
    input: {
      n,
      dim,
      vectors,
      photos: Int32Array.from(photos),
      fixed: Int32Array.from(personArr, (p, i) => (userArr[i] ? p : 0)),
      tags: personArr,
      rejects,
    },
  };
}
