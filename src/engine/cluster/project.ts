// Engine (cluster): a PCA projection of unit embeddings to fewer dimensions, to find kNN candidates faster.
import { matmul } from './matmul.js';
import { rng } from './synthetic.js';

export const projectOptions = {
  /** Rows sampled to estimate the second-moment matrix. */
  sample: 1500,
  /** Orthogonal-iteration steps for the top eigenvectors. */
  iterations: 8,
  seed: 17,
};

/**
 * [Note: projected kNN] HNSW cost is dominated by distance computations, linear in the dimension. Face embeddings
 * concentrate their energy in a subspace, so projecting onto the top `p` eigenvectors of the (uncentred) second
 * moment matrix E[x x^T] keeps dot products nearly intact: it is the best rank-p approximation of all inner
 * products. The graph is then searched at p dimensions for 2k candidates, and the candidates are re-ranked with
 * exact 512-D dot products, so the similarities the clustering sees are exact.
 */
export function pcaBasis(vectors: Float32Array, n: number, dim: number, p: number, o = projectOptions): Float32Array {
  const rand = rng(o.seed);
  const m = Math.min(n, o.sample);
  const rows =
    m === n ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: m }, () => Math.floor(rand() * n));
  // C = X^T X / m over the sample (dim x dim, symmetric)
  const C = new Float64Array(dim * dim);
  for (const r of rows) {
    const off = r * dim;
    for (let a = 0; a < dim; a++) {
      const va = vectors[off + a]!;
      if (va === 0) continue;
      const ca = a * dim;
      for (let b = a; b < dim; b++) C[ca + b]! += va * vectors[off + b]!;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) C[b * dim + a] = C[a * dim + b]! /= m;
  // orthogonal iteration: Q (dim x p) <- orth(C Q)
  let Q = new Float64Array(dim * p);
  for (let i = 0; i < Q.length; i++) Q[i] = rand() - 0.5;
  orthonormalize(Q, dim, p);
  for (let it = 0; it < o.iterations; it++) {
    const Z = new Float64Array(dim * p);
    for (let a = 0; a < dim; a++) {
      const ca = a * dim;
      for (let b = 0; b < dim; b++) {
        const c = C[ca + b]!;
        if (c === 0) continue;
        const qb = b * p;
        const za = a * p;
        for (let j = 0; j < p; j++) Z[za + j]! += c * Q[qb + j]!;
      }
    }
    orthonormalize(Z, dim, p);
    Q = Z;
  }
  // basis as p rows of dim floats
  const B = new Float32Array(p * dim);
  for (let a = 0; a < dim; a++) for (let j = 0; j < p; j++) B[j * dim + a] = Q[a * p + j]!;
  return B;
}

/**
 * The same basis, and every row projected on it, with the products on onnxruntime's GEMM (see [Note: GEMM on
 * ORT]): returns the basis (p x dim) and the projected rows (n x p).
 */
export async function pcaProject(
  vectors: Float32Array,
  n: number,
  dim: number,
  p: number,
  o = projectOptions,
): Promise<{ basis: Float32Array; projected: Float32Array }> {
  const rand = rng(o.seed);
  const m = Math.min(n, o.sample);
  const rows =
    m === n ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: m }, () => Math.floor(rand() * n));
  const st = new Float32Array(dim * m); // sample, transposed (dim x m)
  rows.forEach((r, j) => {
    for (let a = 0; a < dim; a++) st[a * m + j] = vectors[r * dim + a]!;
  });
  const sample = new Float32Array(m * dim);
  rows.forEach((r, j) => sample.set(vectors.subarray(r * dim, (r + 1) * dim), j * dim));
  const C = await matmul(st, dim, m, sample, dim);
  for (let i = 0; i < C.length; i++) C[i]! /= m;
  let Q = new Float64Array(dim * p);
  for (let i = 0; i < Q.length; i++) Q[i] = rand() - 0.5;
  orthonormalize(Q, dim, p);
  for (let it = 0; it < o.iterations; it++) {
    const Z = Float64Array.from(await matmul(C, dim, dim, Float32Array.from(Q), p));
    orthonormalize(Z, dim, p);
    Q = Z;
  }
  const basisT = Float32Array.from(Q); // dim x p
  const basis = new Float32Array(p * dim);
  for (let a = 0; a < dim; a++) for (let j = 0; j < p; j++) basis[j * dim + a] = basisT[a * p + j]!;
  return { basis, projected: await matmul(vectors, n, dim, basisT, p) };
}

/** Modified Gram-Schmidt on the p columns of a (dim x p) row-major matrix. */
function orthonormalize(M: Float64Array, dim: number, p: number): void {
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < j; i++) {
      let d = 0;
      for (let a = 0; a < dim; a++) d += M[a * p + i]! * M[a * p + j]!;
      for (let a = 0; a < dim; a++) M[a * p + j]! -= d * M[a * p + i]!;
    }
    let s = 0;
    for (let a = 0; a < dim; a++) s += M[a * p + j]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let a = 0; a < dim; a++) M[a * p + j]! *= inv;
  }
}

/** Row `i` of `vectors` projected on the basis, as the plain array hnswlib-node wants. */
export function projectRow(
  vectors: Float32Array,
  i: number,
  dim: number,
  basis: Float32Array,
  p: number,
  out: number[],
): number[] {
  const off = i * dim;
  for (let j = 0; j < p; j++) {
    const bo = j * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let a = 0; a < dim; a += 4) {
      s0 += vectors[off + a]! * basis[bo + a]!;
      s1 += vectors[off + a + 1]! * basis[bo + a + 1]!;
      s2 += vectors[off + a + 2]! * basis[bo + a + 2]!;
      s3 += vectors[off + a + 3]! * basis[bo + a + 3]!;
    }
    out[j] = s0 + s1 + s2 + s3;
  }
  return out;
}
