// Engine (arcface): head versions in SQLite: store a trained head, list, load, activate (re-embed every face, rebuild HNSW).
import type { Db } from '../store/db.js';
import { FaceStore } from '../store/faces.js';
import { HeadStore, type HeadKind, type HeadRow } from '../store/heads.js';
import { FaceIndex, indexPathFor } from '../index/hnsw.js';
import { l2normalize } from '../vectors.js';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend, initBackend } from '../compute/backend.js';
import { mm } from '../compute/matmul.js';
import { l2rows } from './losses.js';
import {
  applyFolded,
  deserializeHead,
  foldHead,
  serializeHead,
  type FoldedHead,
  type HeadWeights,
} from './head-weights.js';
import { FEATURE_DIM } from './features.js';

export const ACTIVATE_OPTIONS = {
  /** Faces re-embedded per transaction chunk (bounded memory at any library size). */
  batch: 2048,
};

export type { HeadKind, HeadRow } from '../store/heads.js';

export function saveHead(
  db: Db,
  h: {
    name: string;
    kind: Exclude<HeadKind, 'identity'>;
    parentId: number | null;
    config: unknown;
    metrics: unknown;
    weights: HeadWeights;
  },
): number {
  if (h.weights.dimIn !== FEATURE_DIM || h.weights.dimOut !== FEATURE_DIM)
    throw new Error(
      `a library head maps ${FEATURE_DIM} -> ${FEATURE_DIM} values (got ${h.weights.dimIn} -> ${h.weights.dimOut})`,
    );
  return new HeadStore(db).insert({ ...h, weights: serializeHead(h.weights) });
}

export function updateHeadMetrics(db: Db, id: number, metrics: unknown): void {
  new HeadStore(db).setMetrics(id, metrics);
}

export function listHeads(db: Db): HeadRow[] {
  return new HeadStore(db).list();
}

export function activeHeadId(db: Db): number {
  return new HeadStore(db).active().id;
}

/** The head's weights; undefined for the identity head. Throws for an unknown id. */
export function loadHeadWeights(db: Db, id: number): HeadWeights | undefined {
  const r = new HeadStore(db).weights(id);
  if (!r) throw new Error(`no head ${id} in this library (see 'facelens heads list')`);
  if (r.kind === 'identity') return undefined;
  if (!r.weights) throw new Error(`head ${id} has no weights stored`);
  return deserializeHead(r.weights);
}

/** A function from raw features to unit embeddings for head `id`. */
export function headEmbed(db: Db, id: number): (features: readonly Float32Array[]) => Float32Array[] {
  const w = loadHeadWeights(db, id);
  if (!w) return (features) => features.map(l2normalize);
  const folded = foldHead(w);
  return (features) => applyFolded(folded, features);
}

/**
 * Unit embeddings of a chunk of features with BN folded into the FC: on the tfjs backend when this thread has one
 * (one matrix product, SIMD on wasm: ~20x the plain-JS loop), else in plain typed arrays. Synchronous (dataSync)
 * so it can run inside a SQLite transaction.
 */
export function embedChunk(folded: FoldedHead | undefined, features: Float32Array[]): Float32Array[] {
  if (!currentBackend()) return folded ? applyFolded(folded, features) : features.map(l2normalize);
  const n = features.length;
  const x = new Float32Array(n * FEATURE_DIM);
  features.forEach((f, i) => x.set(f, i * FEATURE_DIM));
  // tf.tidy returns the tensor, not its data: tidy walks a returned container element by element (seconds for 1M floats).
  const t = tf.tidy(() => {
    let y = tf.tensor2d(x, [n, FEATURE_DIM]);
    if (folded)
      y = tf.add(mm(y, tf.tensor2d(folded.w, [folded.dimIn, folded.dimOut])), tf.tensor1d(folded.b)) as tf.Tensor2D;
    return l2rows(y);
  });
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return features.map((_, i) => out.slice(i * FEATURE_DIM, (i + 1) * FEATURE_DIM));
}

/**
 * Makes `id` the active head: every face is re-embedded from its stored feature ([Note: why features are
 * cached]) in batched matrix products, in one transaction (the library never shows a mix of heads), then the
 * HNSW index is rebuilt from the new embeddings and saved beside the database (when `dbPath` is given).
 * Call `await initBackend()` once beforehand for the fast path (`activateHeadFast` does both).
 */
export function activateHead(db: Db, id: number, dbPath?: string): { faces: number; seconds: number; index?: string } {
  const t0 = performance.now();
  const w = loadHeadWeights(db, id);
  const folded = w ? foldHead(w) : undefined;
  const faces = new FaceStore(db);
  let count = 0;
  db.transaction(() => {
    let after = 0;
    for (;;) {
      const rows = faces.featuresAfter(after, ACTIVATE_OPTIONS.batch);
      if (rows.length === 0) break;
      const vecs = embedChunk(
        folded,
        rows.map((r) => r.feature),
      );
      rows.forEach((r, i) => faces.putEmbedding(r.id, id, vecs[i]!));
      count += rows.length;
      after = rows[rows.length - 1]!.id;
    }
    new HeadStore(db).setActive(id);
  })();
  const path = dbPath && dbPath !== ':memory:' ? indexPathFor(dbPath) : undefined;
  const index = FaceIndex.build(db, path, id, {}, 'other-head');
  index.save();
  index.close();
  return { faces: count, seconds: (performance.now() - t0) / 1000, ...(path ? { index: path } : {}) };
}

/** activateHead on the tfjs backend (initialised first): a 100k-face library re-embeds in seconds. */
export async function activateHeadFast(db: Db, id: number, dbPath?: string): Promise<ReturnType<typeof activateHead>> {
  loadHeadWeights(db, id); // an unknown id fails before the backend is loaded
  await initBackend();
  return activateHead(db, id, dbPath);
}
