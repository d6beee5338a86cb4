// Engine (arcface): the active head as a function from stored backbone features to 512-D unit embeddings.
import type { Db } from '../store/db.js';

/** Maps backbone features (512 float32 each) to unit embeddings of the head `headId`. */
export interface Embedder {
  readonly headId: number;
  embed(features: readonly Float32Array[]): Float32Array[];
}

/** Unit-length copy of `v` (a zero vector stays zero). */
export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

/** The identity head (head 1): the embedding is the normalised backbone feature. */
export function identityEmbedder(headId = 1): Embedder {
  return { headId, embed: (features) => features.map(l2normalize) };
}

/**
 * The embedder of the active head. Trained heads (FC -> BN -> L2) are loaded by the arcface module;
 * until a trained head is active this is the identity head.
 */
export function activeEmbedder(db: Db): Embedder {
  const row = db.prepare('SELECT id, kind FROM heads WHERE active = 1').get() as { id: number; kind: string } | undefined;
  if (!row) throw new Error('no active head in this library');
  if (row.kind === 'identity') return identityEmbedder(row.id);
  throw new Error(`head ${row.id} (${row.kind}) cannot be loaded yet`);
}
