// Engine (arcface): the active head as a function from stored backbone features to 512-D unit embeddings.
import type { Db } from '../store/db.js';
import { applyFolded, deserializeHead, foldHead } from './head-weights.js';

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
 * The embedder of the active head: the identity head, or a trained head (FC -> BN -> L2) with its batch norm
 * folded into the FC, run on plain typed arrays (no tensors: it serves the importer one photo at a time).
 */
export function activeEmbedder(db: Db): Embedder {
  const row = db.prepare('SELECT id, kind, weights FROM heads WHERE active = 1').get() as
    { id: number; kind: string; weights: Buffer | null } | undefined;
  if (!row) throw new Error('no active head in this library');
  if (row.kind === 'identity') return identityEmbedder(row.id);
  if (!row.weights) throw new Error(`head ${row.id} (${row.kind}) has no weights stored`);
  const folded = foldHead(deserializeHead(row.weights));
  return { headId: row.id, embed: (features) => applyFolded(folded, features) };
}
