// Engine (cluster): reads the faces to cluster (active head's embeddings, quality gate) and their constraints from SQLite.
import { blobInto, blobToF32 } from '../store/blob.js';
import { ClusterStore } from '../store/clustering.js';
import type { Db } from '../store/db.js';
import { HeadStore } from '../store/heads.js';
import type { ClusterInput } from './input.js';

export const loadOptions = {
  /** Faces with quality below this stay out of clustering ("low quality"), unless the user placed them. */
  minQuality: 0.35,
  /**
   * Quality-aware similarity (see [Note: quality-aware similarity]): each face's unit embedding is scaled by
   * q^(-qualityPower / 2), q its quality clamped to [qualityFloor, 1], so two faces compare at
   * cos / (q_a q_b)^(qualityPower / 2). 0: plain cosines.
   */
  qualityPower: 0.3,
  qualityFloor: 0.35,
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

/**
 * [Note: quality-aware similarity] A face the recognizer reads poorly (low feature norm: small, blurred, turned)
 * has lower cosines to its own person, while its cosines to other people keep the same spread. On celeba-wild's
 * labelled faces, same-person pairs average 0.45 when the poorer face is in the lowest fifth of quality and 0.72
 * in the top fifth; different-person pairs have mean 0.01-0.02 and a 99.9th percentile of 0.35-0.36 in every fifth
 * (LFW: 0.55 against 0.67, impostors alike). So at a given cosine a poor pair is more likely one person than a
 * sharp pair, and the bar should be lower for it (as in QMagFace, Terhorst et al. 2023, which adds a quality term to
 * the comparison score). Scaling each unit embedding by q^(-p/2) does this inside every mean the clustering takes
 * (a pair compares at cos / (q_a q_b)^(p/2), and average linkage stays one dot product of sums), so full
 * clustering, incremental assignment, suggestions and the name queue share one measure. q is clamped to
 * [qualityFloor, 1], so no face gains more than qualityFloor^(-p/2) (1.17 at the defaults). The faces the gate keeps
 * out are not scaled: many are no face at all (patterns, hands, a blurred cheek), whose cosines to each other are
 * high already, and scaled they drew more of each other into people (see [Note: late attach]). p was swept with
 * bench/cluster-sets.ts on every labelled set at once, each with a grid of thresholds (see [Note: default
 * algorithm]): 0.2-0.35 lift celeba-wild and LFW together (0.3 at threshold 0.22: 0.950 / 0.952, against 0.944 /
 * 0.947 with plain cosines at their best, 0.2). Larger powers need a higher threshold to keep LFW's single faces
 * apart (0.6 at 0.2: LFW 0.917) and gain nothing on the weaker set with it (0.6 at 0.26: 0.946 / 0.961). The
 * density baseline compares plain cosines, as Immich does.
 */
export function qualityScale(quality: number | null, o: Pick<LoadOptions, 'qualityFloor' | 'qualityPower'>): number {
  if (!o.qualityPower || quality === null) return 1;
  return Math.pow(Math.min(1, Math.max(o.qualityFloor, quality)), -o.qualityPower / 2);
}

function scaleRow(v: Float32Array, off: number, dim: number, f: number): void {
  if (f !== 1) for (let d = 0; d < dim; d++) v[off + d]! *= f;
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
      low.vecs.push(blobToF32(vec)); // plain: a gated face is as likely no face as a poor one (see below)
      continue;
    }
    if (ids.length >= total) throw new Error('faces were added while they were being loaded');
    blobInto(vec, all, ids.length * dim, dim);
    scaleRow(all, ids.length * dim, dim, qualityScale(quality, o));
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
