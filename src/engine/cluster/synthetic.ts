// Engine (cluster): deterministic synthetic face embeddings around identity centres, for tests and benchmarks.

import { normals, rng, shuffle } from '../random.js';

export { rng };
/** Standard normal draws from a uniform PRNG (see random.ts). */
export const gaussian = normals;

export interface SyntheticOptions {
  identities: number;
  faces: number;
  dim?: number;
  /** Mean cosine similarity between two faces of one identity (measured on real embeddings). */
  sameCos: number;
  /** Spread of that similarity across identities and faces (standard deviation of the per-face signal share). */
  sameCosSpread?: number;
  seed?: number;
  /** Share of faces per photo that share a photo with another identity (group photos), 0..1. */
  groupShare?: number;
  /**
   * Look-alike families: identities come in families of this size whose centres share a component, so that two
   * centres of one family have cosine `familyCos` (real impostor scores have such a heavy tail). 0: none.
   */
  familySize?: number;
  familyCos?: number;
  /** Put the vectors in a SharedArrayBuffer (worker threads read them without a copy: bench/hnsw.ts at 1M). */
  shared?: boolean;
  /**
   * Shape of the same-person variation (see [Note: within-person spectrum]): 0 (the default) spreads it evenly
   * over every dimension; d > 0 gives dimension j a variance proportional to (j + 1)^-d, the total unchanged.
   */
  noiseDecay?: number;
  /**
   * Shape of the differences between people (see [Note: between-person spectrum]): 0 (the default) draws centres
   * evenly over every direction; d > 0 gives the centres variance proportional to (rank + 1)^-d over the dimensions
   * in a shuffled order, so that they do not line up with the same-person variation's.
   */
  centreDecay?: number;
}

export interface SyntheticSet {
  dim: number;
  vectors: Float32Array; // n * dim, unit rows
  labels: Int32Array; // identity of each face
  photos: Int32Array; // photo of each face
}

/**
 * [Note: synthetic spread] A face is normalise(a * centre + noise), noise ~ N(0, 1/dim) per coordinate, so two
 * faces of one identity have cosine about a^2 / (a^2 + 1). `a` is drawn per face around the value that gives
 * `sameCos`, so some identities and faces are tighter than others; centres are random unit vectors, so
 * different identities sit near cosine 0 with a 1/sqrt(dim) spread (0.044), half of what real faces show unless
 * `centreDecay` shapes them (see [Note: between-person spectrum]). Identity sizes follow a long tail (a few people
 * hold many faces, most hold few), as in a family library.
 *
 * [Note: between-person spectrum] Faces of different people are not spread evenly over the 512 dimensions
 * either: their cosines have a standard deviation of 0.098 on LFW and on celeba-wild (bench/between-person.ts), as
 * random directions in about 100 dimensions would, against 0.044 between random 512-D directions, with a tail to
 * match (99.9th percentile 0.34-0.36 against 0.14). Centres drawn with variance (rank + 1)^-1 over the dimensions
 * (`centreDecay` 1) give 0.106-0.117 and 0.26-0.30 / 0.36-0.39 at the 99th / 99.9th percentiles; 0.5 barely moves
 * them, 1.25 overshoots (0.16). Even-centre sets are far harder to search than faces are: a person's 10th
 * neighbour there is mostly another person at a noise-level cosine (median 0.13 against 0.31 on LFW's twin), a
 * tie among thousands that no graph finds, and the local intrinsic dimensionality at 20 neighbours is 39.5
 * against LFW's 21.6. With decay 1 it is 35.7: still harder than real faces, so figures on it stay cautious. The
 * dimensions are shuffled so that the centres' widest ones are not the same-person noise's widest ones.
 */
export function syntheticFaces(o: SyntheticOptions): SyntheticSet {
  const dim = o.dim ?? 512;
  const rand = rng(o.seed ?? 1);
  const g = gaussian(rand);
  const centreScale = noiseScales(dim, o.centreDecay ?? 0);
  if (o.centreDecay) shuffle(centreScale, rand);
  const randomUnit = (scale?: Float64Array) => {
    const v = Float64Array.from({ length: dim }, (_, j) => g() * (scale ? scale[j]! : 1));
    const inv = 1 / Math.hypot(...v);
    return v.map((x) => x * inv);
  };
  const centres = new Float32Array(o.identities * dim);
  const fam = o.familySize ?? 0;
  const phi = fam > 1 ? (o.familyCos ?? 0) : 0;
  let family = randomUnit();
  for (let c = 0; c < o.identities; c++) {
    if (fam > 1 && c % fam === 0) family = randomUnit();
    const own = randomUnit(centreScale);
    let s = 0;
    for (let j = 0; j < dim; j++)
      s += (centres[c * dim + j] = Math.sqrt(1 - phi) * own[j]! + Math.sqrt(phi) * family[j]!) ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) centres[c * dim + j]! *= inv;
  }
  const baseA = Math.sqrt(o.sameCos / (1 - o.sameCos));
  const spread = o.sameCosSpread ?? 0.25;
  // Zipf-like identity weights: identity c gets weight 1 / (c + 10)^0.8.
  const weights = Float64Array.from({ length: o.identities }, (_, c) => 1 / Math.pow(c + 10, 0.8));
  const cum = new Float64Array(o.identities);
  let total = 0;
  weights.forEach((w, c) => (cum[c] = total += w));
  const labels = new Int32Array(o.faces);
  for (let i = 0; i < o.faces; i++) {
    // every identity gets at least one face, the rest by weight
    if (i < o.identities) labels[i] = i;
    else {
      const r = rand() * total;
      let lo = 0;
      let hi = o.identities - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! < r) lo = mid + 1;
        else hi = mid;
      }
      labels[i] = lo;
    }
  }
  const identSpread = Float64Array.from({ length: o.identities }, () => Math.exp(spread * g()));
  const vectors = new Float32Array(
    o.shared ? new SharedArrayBuffer(o.faces * dim * 4) : new ArrayBuffer(o.faces * dim * 4),
  );
  const noiseScale = noiseScales(dim, o.noiseDecay ?? 0);
  for (let i = 0; i < o.faces; i++) {
    const c = labels[i]!;
    const a = baseA * identSpread[c]! * Math.exp(spread * 0.5 * g());
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = a * centres[c * dim + j]! + g() * noiseScale[j]!;
      vectors[i * dim + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) vectors[i * dim + j]! *= inv;
  }
  // photos: most faces alone; a share grouped with the next face of another identity
  const photos = new Int32Array(o.faces);
  let photo = 0;
  for (let i = 0; i < o.faces; i++) {
    const prev = i > 0 ? i - 1 : -1;
    if (prev >= 0 && photos[prev] === photo - 1 && labels[prev] !== labels[i] && rand() < (o.groupShare ?? 0)) {
      photos[i] = photo - 1;
    } else photos[i] = photo++;
  }
  return { dim, vectors, labels, photos };
}

/**
 * [Note: within-person spectrum] Real same-person variation is not spread evenly over the 512 dimensions: the
 * participation ratio of its covariance ((sum of eigenvalues)^2 / sum of squares) is far below the 512 of even
 * noise (bench/within-person.ts measures it on the labelled sets). Variance (j + 1)^-decay per dimension shapes
 * the synthetic noise to match; even centres are random directions, so which dimensions carry it does not matter,
 * and shaped centres take their widest dimensions in a shuffled order (see [Note: between-person spectrum]).
 * The total variance is 1, as with even noise, so the same-person cosine keeps its meaning.
 */
export function noiseScales(dim: number, decay: number): Float64Array {
  if (decay === 0) return new Float64Array(dim).fill(1 / Math.sqrt(dim));
  const v = Float64Array.from({ length: dim }, (_, j) => Math.pow(j + 1, -decay));
  const total = v.reduce((a, b) => a + b, 0);
  return v.map((x) => Math.sqrt(x / total));
}
