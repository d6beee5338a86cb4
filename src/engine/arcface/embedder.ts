// Engine (arcface): the active head as a function from stored backbone features to 512-D unit embeddings.
import type { Db } from '../store/db.js';
import { HeadStore } from '../store/heads.js';
import { l2normalize } from '../vectors.js';
import { applyFolded, deserializeHead, foldHead } from './head-weights.js';

/** Maps backbone features (512 float32 each) to unit embeddings of the head `headId`. */
export interface Embedder {
  readonly headId: number;
  embed(features: readonly Float32Array[]): Float32Array[];
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
  const row = new HeadStore(db).active();
  if (row.kind === 'identity') return identityEmbedder(row.id);
  if (!row.weights) throw new Error(`head ${row.id} (${row.kind}) has no weights stored`);
  const folded = foldHead(deserializeHead(row.weights));
  return { headId: row.id, embed: (features) => applyFolded(folded, features) };
}
