// Engine (people): how well two people are told apart: score histograms and false-match rate, for any head.
import type { Embedder } from '../arcface/embedder.js';
import { blobToF32 } from '../store/blob.js';
import type { Db } from '../store/db.js';
import { getPerson } from './ops.js';

export const separationOptions = {
  /** Pairs at or above this cosine are called "the same person" (the verify threshold). */
  threshold: 0.3,
  /** Histogram bins over cosine -1..1. */
  bins: 40,
};
export type SeparationOptions = typeof separationOptions;

export interface SeparationReport {
  a: { id: number; name: string | null; faces: number };
  b: { id: number; name: string | null; faces: number };
  headId: number | null;
  threshold: number;
  /** Share of (face of A, face of B) pairs at or above the threshold: how often one passes for the other. */
  falseMatchRate: number;
  /** Share of pairs inside A and inside B at or above it. */
  trueMatchRate: number;
  meanCross: number;
  meanWithin: number;
  /** counts per bin; bin i covers [-1 + i*w, -1 + (i+1)*w), w = 2 / bins. */
  histogram: { cross: number[]; within: number[]; bins: number };
}

/**
 * [Note: look-alike separation] Siblings, twins and children end up merged because their faces score like one
 * person. Once the user has separated them, this report shows how far apart the two people are: the cosine of
 * every cross pair against the pairs inside each person, and the false-match rate at the threshold. Given the
 * embedder of another head (a head fine-tuned on these people), it computes the same from the stored backbone
 * features, so before and after a fine-tune can be compared side by side without touching the library.
 */
export function separation(db: Db, personA: number, personB: number, opts: Partial<SeparationOptions> & { embedder?: Embedder } = {}): SeparationReport {
  const o = { ...separationOptions, ...opts };
  const pa = getPerson(db, personA);
  const pb = getPerson(db, personB);
  const vecs = (p: number): Float32Array[] => {
    if (o.embedder) {
      const rows = db.prepare('SELECT f.feature FROM face_people fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = ? ORDER BY f.id').all(p) as { feature: Buffer }[];
      return o.embedder.embed(rows.map((r) => blobToF32(r.feature)));
    }
    const rows = db
      .prepare(
        `SELECT e.vec FROM face_people fp JOIN embeddings e ON e.face_id = fp.face_id
          WHERE fp.person_id = ? AND e.head_id = (SELECT id FROM heads WHERE active = 1) ORDER BY fp.face_id`,
      )
      .all(p) as { vec: Buffer }[];
    return rows.map((r) => blobToF32(r.vec));
  };
  const A = vecs(personA);
  const B = vecs(personB);
  const cos = (x: Float32Array, y: Float32Array) => {
    let s = 0;
    for (let d = 0; d < x.length; d++) s += x[d]! * y[d]!;
    return s;
  };
  const bin = (s: number) => Math.min(o.bins - 1, Math.max(0, Math.floor(((s + 1) / 2) * o.bins)));
  const cross = new Array<number>(o.bins).fill(0);
  const within = new Array<number>(o.bins).fill(0);
  let nc = 0;
  let fc = 0;
  let sc = 0;
  let nw = 0;
  let tw = 0;
  let sw = 0;
  for (const x of A)
    for (const y of B) {
      const s = cos(x, y);
      cross[bin(s)]!++;
      nc++;
      sc += s;
      if (s >= o.threshold) fc++;
    }
  for (const S of [A, B])
    for (let i = 0; i < S.length; i++)
      for (let j = i + 1; j < S.length; j++) {
        const s = cos(S[i]!, S[j]!);
        within[bin(s)]!++;
        nw++;
        sw += s;
        if (s >= o.threshold) tw++;
      }
  return {
    a: { id: pa.id, name: pa.name, faces: A.length },
    b: { id: pb.id, name: pb.name, faces: B.length },
    headId: o.embedder?.headId ?? null,
    threshold: o.threshold,
    falseMatchRate: nc ? fc / nc : 0,
    trueMatchRate: nw ? tw / nw : 0,
    meanCross: nc ? sc / nc : 0,
    meanWithin: nw ? sw / nw : 0,
    histogram: { cross, within, bins: o.bins },
  };
}
