// Engine (arcface): before/after verification of heads: all pairs of held-out faces, and a pairs file of unseen identities.
import { dot, l2normalize } from '../vectors.js';
import { applyFolded, foldHead, type HeadWeights } from './head-weights.js';
import { rng } from '../random.js';
import { pairScores } from '../verify/score.js';
import { summarize, type VerificationSummary } from '../verify/metrics.js';
import type { PairSet } from '../verify/pairs.js';

export const EVAL_OPTIONS = {
  /** Held-out pairs: every same-identity pair, and at most this many different-identity pairs (seeded sample). */
  maxNegativePairs: 300_000,
  folds: 10,
};

/** The figures stored and printed for one head on one pair set. */
export interface Verification {
  auc: number;
  eer: number;
  accuracy: number;
  tarAtFar1e2: number;
  tarAtFar1e3: number;
  threshold: number;
  pairs: number;
}

/** Unit embeddings of raw backbone features through `head` (undefined = the identity head). */
export function embedAll(head: HeadWeights | undefined, features: readonly Float32Array[]): Float32Array[] {
  return head ? applyFolded(foldHead(head), features) : features.map(l2normalize);
}

function pick(s: VerificationSummary): Verification {
  return {
    auc: s.auc,
    eer: s.eer,
    accuracy: s.accuracy,
    tarAtFar1e2: s.tarAtFar1e2,
    tarAtFar1e3: s.tarAtFar1e3,
    threshold: s.threshold,
    pairs: s.pairs,
  };
}

/** The held-out pairs (indices into `labels`): all positives, negatives sampled with the seed. */
export function heldOutPairs(
  labels: readonly number[],
  seed: number,
): { a: Int32Array; b: Int32Array; same: boolean[] } {
  const n = labels.length;
  const a: number[] = [];
  const b: number[] = [];
  const same: boolean[] = [];
  let negTotal = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (labels[i] !== labels[j]) negTotal++;
  const keep = Math.min(1, EVAL_OPTIONS.maxNegativePairs / Math.max(negTotal, 1));
  const r = rng(seed ^ 0x5eed);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = labels[i] === labels[j];
      if (!s && keep < 1 && r() >= keep) continue;
      a.push(i);
      b.push(j);
      same.push(s);
    }
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b), same };
}

/** Verification over pairs of embeddings (k-fold accuracy with pair i in fold i mod k). */
export function verifyPairs(
  emb: readonly Float32Array[],
  pairs: { a: Int32Array; b: Int32Array; same: boolean[] },
): Verification {
  const scores = new Array<number>(pairs.same.length);
  for (let k = 0; k < scores.length; k++) scores[k] = dot(emb[pairs.a[k]!]!, emb[pairs.b[k]!]!);
  return pick(summarize(scores, pairs.same, EVAL_OPTIONS.folds));
}

/** A pairs file (e.g. LFW) scored with `head`; files without a feature score lowest (verify/score.ts). */
export function verifyPairSet(
  head: HeadWeights | undefined,
  set: PairSet,
  features: ReadonlyMap<string, Float32Array>,
): Verification {
  const files = [...features.keys()];
  const emb = new Map<string, Float32Array>();
  embedAll(
    head,
    files.map((f) => features.get(f)!),
  ).forEach((e, i) => emb.set(files[i]!, e));
  const scores = pairScores(set, emb);
  return pick(
    summarize(
      scores,
      set.pairs.map((p) => p.same),
      set.pairs.map((p) => p.fold),
    ),
  );
}
