// Engine (store): backbone features of labelled photos and pair files, cached by content hash (migration 3's train_features).
import { blobToF32, f32ToBlob } from './blob.js';
import type { Db } from './db.js';
import { FEATURE_DIM } from './faces.js';

/** A cached feature, or the reason the image has none (no face, not decodable). */
export type CachedFeature = { feature: Float32Array } | { reason: string };

/** See [Note: training feature cache] in arcface/features.ts. */
export class FeatureCache {
  readonly #get;
  readonly #put;
  constructor(readonly db: Db) {
    this.#get = db.prepare<[string, string, number, string], { feature: Buffer | null; reason: string | null }>(
      'SELECT feature, reason FROM train_features WHERE hash = ? AND mode = ? AND flip = ? AND model = ?',
    );
    this.#put = db.prepare(
      'INSERT OR REPLACE INTO train_features (hash, mode, flip, model, feature, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** The feature of the image with content `hash`, computed in `mode` (with flip or not) by recognizer `model`. */
  get(hash: string, mode: string, flip: boolean, model: string): CachedFeature | undefined {
    const hit = this.#get.get(hash, mode, flip ? 1 : 0, model);
    if (!hit) return undefined;
    return hit.feature ? { feature: blobToF32(hit.feature, FEATURE_DIM) } : { reason: hit.reason ?? 'no face' };
  }

  /** Forgets the features `mode` cached under any model key but `model` (an older recognizer or pipeline). */
  forgetOthers(mode: string, model: string): number {
    return this.db.prepare('DELETE FROM train_features WHERE mode = ? AND model != ?').run(mode, model).changes;
  }

  put(hash: string, mode: string, flip: boolean, model: string, r: CachedFeature, at = Date.now()): void {
    this.#put.run(
      hash,
      mode,
      flip ? 1 : 0,
      model,
      'feature' in r ? f32ToBlob(r.feature) : null,
      'reason' in r ? r.reason : null,
      at,
    );
  }
}
