// Engine (arcface): head versions in SQLite: store a trained head, list, load, activate (re-embed every face, rebuild HNSW).
import type { Db } from '../store/db.js';
import { blobToF32, f32ToBlob } from '../store/blob.js';
import { FaceIndex, indexPathFor } from '../index/hnsw.js';
import { l2normalize } from './embedder.js';
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

export type HeadKind = 'identity' | 'trained' | 'finetuned';

export interface HeadRow {
  id: number;
  name: string;
  kind: HeadKind;
  parentId: number | null;
  createdAt: number;
  active: boolean;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

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
  const r = db
    .prepare(
      'INSERT INTO heads (name, kind, parent_id, created_at, config, metrics, weights, active) VALUES (?, ?, ?, ?, ?, ?, ?, 0)',
    )
    .run(
      h.name,
      h.kind,
      h.parentId,
      Date.now(),
      JSON.stringify(h.config),
      JSON.stringify(h.metrics),
      serializeHead(h.weights),
    );
  return Number(r.lastInsertRowid);
}

export function updateHeadMetrics(db: Db, id: number, metrics: unknown): void {
  db.prepare('UPDATE heads SET metrics = ? WHERE id = ?').run(JSON.stringify(metrics), id);
}

export function listHeads(db: Db): HeadRow[] {
  const rows = db
    .prepare('SELECT id, name, kind, parent_id, created_at, active, config, metrics FROM heads ORDER BY id')
    .all() as {
    id: number;
    name: string;
    kind: HeadKind;
    parent_id: number | null;
    created_at: number;
    active: number;
    config: string;
    metrics: string; // prettier-ignore
  }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    parentId: r.parent_id,
    createdAt: r.created_at,
    active: r.active === 1,
    config: JSON.parse(r.config) as Record<string, unknown>,
    metrics: JSON.parse(r.metrics) as Record<string, unknown>,
  }));
}

export function activeHeadId(db: Db): number {
  const r = db.prepare('SELECT id FROM heads WHERE active = 1').get() as { id: number } | undefined;
  if (!r) throw new Error('no active head in this library');
  return r.id;
}

/** The head's weights; undefined for the identity head. Throws for an unknown id. */
export function loadHeadWeights(db: Db, id: number): HeadWeights | undefined {
  const r = db.prepare('SELECT kind, weights FROM heads WHERE id = ?').get(id) as
    { kind: HeadKind; weights: Buffer | null } | undefined;
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
  const select = db.prepare<[number, number], { id: number; feature: Buffer }>(
    'SELECT id, feature FROM faces WHERE id > ? ORDER BY id LIMIT ?',
  );
  const upsert = db.prepare<[number, number, Buffer]>(
    'INSERT INTO embeddings (face_id, head_id, vec) VALUES (?, ?, ?) ON CONFLICT(face_id) DO UPDATE SET head_id = excluded.head_id, vec = excluded.vec',
  );
  let faces = 0;
  db.transaction(() => {
    let after = 0;
    for (;;) {
      const rows = select.all(after, ACTIVATE_OPTIONS.batch);
      if (rows.length === 0) break;
      const vecs = embedChunk(
        folded,
        rows.map((r) => blobToF32(r.feature, FEATURE_DIM)),
      );
      rows.forEach((r, i) => upsert.run(r.id, id, f32ToBlob(vecs[i]!)));
      faces += rows.length;
      after = rows[rows.length - 1]!.id;
    }
    db.prepare('UPDATE heads SET active = 0 WHERE active = 1').run();
    db.prepare('UPDATE heads SET active = 1 WHERE id = ?').run(id);
  })();
  const path = dbPath && dbPath !== ':memory:' ? indexPathFor(dbPath) : undefined;
  const index = FaceIndex.build(db, path, id, {}, 'other-head');
  index.save();
  index.close();
  return { faces, seconds: (performance.now() - t0) / 1000, ...(path ? { index: path } : {}) };
}

/** activateHead on the tfjs backend (initialised first): a 100k-face library re-embeds in seconds. */
export async function activateHeadFast(db: Db, id: number, dbPath?: string): Promise<ReturnType<typeof activateHead>> {
  loadHeadWeights(db, id); // an unknown id fails before the backend is loaded
  await initBackend();
  return activateHead(db, id, dbPath);
}
