// Engine (verify): a pair set's scores from unit embeddings of its images (a pair with a missing image scores lowest).
import { dot } from '../vectors.js';
import type { PairSet } from './pairs.js';

/** Score given to a pair when a face is missing: the lowest cosine, so the pair is called "different". */
export const FAILED_PAIR_SCORE = -1;

/** Cosine of each pair's two unit embeddings (keyed by the pair set's file names). */
export function pairScores(set: PairSet, emb: ReadonlyMap<string, Float32Array>): number[] {
  return set.pairs.map((p) => {
    const ea = emb.get(p.a);
    const eb = emb.get(p.b);
    return ea && eb ? dot(ea, eb) : FAILED_PAIR_SCORE;
  });
}
