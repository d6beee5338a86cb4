// Engine (lookalike): the separation maths of two people on unit embeddings: score histograms, false-match rates, a FAR-calibrated threshold.
import { linkageOptions } from '../cluster/linkage.js';
import { incrementalOptions } from '../cluster/incremental.js';
import { suggestOptions } from '../people/suggest.js';
import { auc } from '../verify/metrics.js';
import { dot } from '../vectors.js';

export const lookalikeOptions = {
  /** Histogram bins over cosine [-1, 1] (width 2 / bins). */
  bins: 40,
  /** The fixed operating point: a threshold at which this share of other people's pairs would match. */
  far: 1e-3,
  /** Impostor pairs of other people sampled (deterministically) to calibrate the FAR threshold. */
  maxCalibrationPairs: 200_000,
  /** Each of the two people needs this many faces (two on each side of a held-out split). */
  minFaces: 4,
};
export type LookalikeOptions = typeof lookalikeOptions;

/** A threshold of the library, with the rule it drives. */
export interface NamedThreshold {
  name: string;
  value: number;
}

/**
 * [Note: look-alike thresholds] Nothing here invents a threshold. The library decides with three numbers, read
 * from their own options objects: the clustering merges groups whose mean pair cosine reaches
 * linkageOptions.threshold, incremental assignment lets a face join a person whose faces it resembles by
 * incrementalOptions.threshold on average, and suggestions offer faces from suggestOptions.minSimilarity. Those
 * are fixed cosines, while a fine-tuned head may move every score; so the report also gives a FAR operating
 * point: the threshold at which `far` of the pairs of *other* people would match under the same head. The
 * false-match rate of A against B at that threshold is comparable across heads: it says how much worse than a
 * random stranger the look-alike is, before and after.
 */
export function libraryThresholds(): NamedThreshold[] {
  const out: NamedThreshold[] = [
    { name: 'assignment', value: incrementalOptions.threshold },
    { name: 'suggestion', value: suggestOptions.minSimilarity },
  ];
  if (linkageOptions.threshold !== incrementalOptions.threshold)
    out.push({ name: 'clustering', value: linkageOptions.threshold });
  return out;
}

/** False-match and true-match rates of A and B at one threshold. */
export interface ThresholdRate {
  name: string;
  threshold: number;
  /** Share of (face of A, face of B) pairs scoring >= threshold. */
  pairFmr: number;
  /** Share of faces of A and B whose mean cosine to the other person's faces is >= threshold (the assignment/suggestion test). */
  faceFmr: number;
  /** Share of pairs inside A and inside B scoring >= threshold. */
  pairTar: number;
  /** Share of faces whose mean cosine to the rest of their own person's faces is >= threshold (leave-one-out). */
  faceTar: number;
}

export interface SeparationStats {
  faces: { a: number; b: number };
  bins: number;
  /** A-vs-B pairs (the impostors that matter). */
  impostor: { pairs: number; mean: number; max: number; histogram: number[] };
  /** A-A and B-B pairs. */
  genuine: { pairs: number; mean: number; min: number; histogram: number[] };
  /** AUC of genuine against A-vs-B pairs: 1 = the two people never overlap, 0.5 = indistinguishable. */
  auc: number | null;
  rates: ThresholdRate[];
}

/** The calibrated operating point: threshold, the FAR asked for and the impostor pairs it was read from. */
export interface FarPoint {
  far: number;
  threshold: number;
  pairs: number;
}

/** Bin of cosine `s` among `bins` equal bins over [-1, 1] (values outside clamp to the end bins). */
export function binOf(s: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(((s + 1) / 2) * bins)));
}

function sumOf(vs: readonly Float32Array[]): Float64Array {
  const s = new Float64Array(vs[0]?.length ?? 0);
  for (const v of vs) for (let d = 0; d < v.length; d++) s[d]! += v[d]!;
  return s;
}

function dot64(x: Float32Array, s: Float64Array): number {
  let r = 0;
  for (let d = 0; d < x.length; d++) r += x[d]! * s[d]!;
  return r;
}

/**
 * The threshold at which at most `far` of `impostor` scores would be accepted (score >= threshold): halfway
 * between the k-th and (k+1)-th highest scores, k = floor(far · n). Undefined when n < 1 / far: with fewer
 * pairs the rate cannot be resolved, and a threshold read from them would be a guess.
 */
export function farThreshold(impostor: readonly number[], far: number): FarPoint | undefined {
  const n = impostor.length;
  if (!(far > 0 && far < 1)) throw new Error(`far must be in (0, 1), got ${far}`);
  if (n === 0 || n < 1 / far) return undefined;
  const s = [...impostor].sort((a, b) => b - a);
  const k = Math.floor(far * n);
  const threshold = k === 0 ? s[0]! + 1e-6 : s[k - 1]! === s[k]! ? s[k]! + 1e-6 : (s[k - 1]! + s[k]!) / 2;
  return { far, threshold, pairs: n };
}

/**
 * Impostor scores between different groups of `groups` (each a list of unit embeddings), every pair when they
 * fit in `max`, else every m-th pair in a fixed order (deterministic).
 */
export function crossScores(groups: readonly (readonly Float32Array[])[], max: number): number[] {
  let total = 0;
  const sizes = groups.map((g) => g.length);
  let before = 0;
  for (const n of sizes) {
    total += n * before;
    before += n;
  }
  const every = Math.max(1, Math.ceil(total / max));
  const out: number[] = [];
  let k = 0;
  for (let g = 0; g < groups.length; g++)
    for (let h = g + 1; h < groups.length; h++)
      for (const x of groups[g]!) for (const y of groups[h]!) if (k++ % every === 0) out.push(dot(x, y));
  return out;
}

/**
 * [Note: look-alike separation figures] Given the unit embeddings of A's and B's faces under one head: every
 * A-B pair is an impostor that matters, every pair inside A or inside B is genuine. Rates are given two ways:
 * per pair (what a verification ROC counts) and per face against the other person's mean (what the library
 * does: a face joins, or is suggested for, the person whose faces it resembles on average). Histograms share
 * fixed bins over [-1, 1] so a before and an after can be drawn on one axis.
 */
export function separationStats(
  A: readonly Float32Array[],
  B: readonly Float32Array[],
  thresholds: readonly NamedThreshold[],
  opts: Partial<Pick<LookalikeOptions, 'bins'>> = {},
): SeparationStats {
  const bins = opts.bins ?? lookalikeOptions.bins;
  const impostor: number[] = [];
  const genuine: number[] = [];
  for (const x of A) for (const y of B) impostor.push(dot(x, y));
  for (const S of [A, B])
    for (let i = 0; i < S.length; i++) for (let j = i + 1; j < S.length; j++) genuine.push(dot(S[i]!, S[j]!));
  const hist = (xs: number[]) => {
    const h = new Array<number>(bins).fill(0);
    for (const s of xs) h[binOf(s, bins)]!++;
    return h;
  };
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  // Face-level scores: the mean cosine of a face to the other person's faces, and to its own person's other faces.
  const sumA = sumOf(A);
  const sumB = sumOf(B);
  const faceCross: number[] = [];
  const faceOwn: number[] = [];
  for (const [S, own, other] of [
    [A, sumA, sumB],
    [B, sumB, sumA],
  ] as const) {
    const nOther = S === A ? B.length : A.length;
    for (const x of S) {
      if (nOther > 0) faceCross.push(dot64(x, other) / nOther);
      if (S.length > 1) faceOwn.push((dot64(x, own) - dot(x, x)) / (S.length - 1));
    }
  }
  const rate = (xs: number[], t: number) => (xs.length ? xs.filter((s) => s >= t).length / xs.length : 0);
  return {
    faces: { a: A.length, b: B.length },
    bins,
    impostor: {
      pairs: impostor.length,
      mean: mean(impostor),
      max: impostor.reduce((m, x) => Math.max(m, x), impostor.length ? -Infinity : 0),
      histogram: hist(impostor),
    },
    genuine: {
      pairs: genuine.length,
      mean: mean(genuine),
      min: genuine.reduce((m, x) => Math.min(m, x), genuine.length ? Infinity : 0),
      histogram: hist(genuine),
    },
    auc:
      impostor.length && genuine.length
        ? auc([...genuine, ...impostor], [...genuine.map(() => true), ...impostor.map(() => false)])
        : null,
    rates: thresholds.map(({ name, value }) => ({
      name,
      threshold: value,
      pairFmr: rate(impostor, value),
      faceFmr: rate(faceCross, value),
      pairTar: rate(genuine, value),
      faceTar: rate(faceOwn, value),
    })),
  };
}

/** The library's thresholds plus the FAR operating point when one could be calibrated. */
export function thresholdsWith(point: FarPoint | undefined): NamedThreshold[] {
  const t = libraryThresholds();
  if (point) t.push({ name: `FAR ${point.far.toExponential(0)}`, value: point.threshold });
  return t;
}
