// Engine (store): faces (box, landmarks, the stored backbone feature) and their active-head embeddings.
import type { Db } from './db.js';
import { blobToF32, f32ToBlob } from './blob.js';

export const FEATURE_DIM = 512;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface NewFace {
  box: Box;
  score: number;
  /** 5 points as [x0, y0, ..., x4, y4] in oriented photo pixels. */
  landmarks: Float32Array;
  /** The recognizer's raw 512-D output. */
  feature: Float32Array;
  quality: number | null;
  source?: 'auto' | 'manual';
}

export interface FaceRecord extends NewFace {
  id: number;
  photoId: number;
  createdAt: number;
}

/** One row of the faces table as SQLite gives it: the one face row type every query of faces builds on. */
export interface FaceRow {
  id: number;
  photo_id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
  landmarks: Buffer;
  feature: Buffer;
  quality: number | null;
  source: 'auto' | 'manual';
  created_at: number;
}

/** Count, id sum and largest id of a head's embeddings: a cheap fingerprint the HNSW index is checked against. */
export interface EmbeddingFingerprint {
  count: number;
  idSum: number;
  maxId: number;
}

export class FaceStore {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      insertFace: db.prepare(
        `INSERT INTO faces (photo_id, x, y, w, h, score, landmarks, feature, quality, source, created_at)
         VALUES (@photoId, @x, @y, @w, @h, @score, @landmarks, @feature, @quality, @source, @createdAt)`,
      ),
      face: db.prepare<[number], FaceRow>('SELECT * FROM faces WHERE id = ?'),
      facesOfPhoto: db.prepare<[number], FaceRow>('SELECT * FROM faces WHERE photo_id = ? ORDER BY id'),
      faceIdsOfPhoto: db.prepare<[number], { id: number }>('SELECT id FROM faces WHERE photo_id = ? ORDER BY id'),
      upsertEmbedding: db.prepare<[number, number, Buffer]>(
        'INSERT INTO embeddings (face_id, head_id, vec) VALUES (?, ?, ?) ON CONFLICT(face_id) DO UPDATE SET head_id = excluded.head_id, vec = excluded.vec',
      ),
      embedding: db.prepare<[number], { head_id: number; vec: Buffer }>(
        'SELECT head_id, vec FROM embeddings WHERE face_id = ?',
      ),
      embeddingsOfHead: db.prepare<[number], { face_id: number; vec: Buffer }>(
        'SELECT face_id, vec FROM embeddings WHERE head_id = ? ORDER BY face_id',
      ),
      embeddingsAfter: db.prepare<[number, number], { face_id: number; vec: Buffer }>(
        'SELECT face_id, vec FROM embeddings WHERE head_id = ? AND face_id > ? ORDER BY face_id',
      ),
      embeddingIds: db.prepare<[number], { face_id: number }>(
        'SELECT face_id FROM embeddings WHERE head_id = ? ORDER BY face_id',
      ),
      fingerprint: db.prepare<[number], { count: number; idSum: number | null; maxId: number | null }>(
        'SELECT count(*) AS count, sum(face_id) AS idSum, max(face_id) AS maxId FROM embeddings WHERE head_id = ?',
      ),
      fingerprintUpTo: db.prepare<[number, number], { count: number; idSum: number | null; maxId: number | null }>(
        'SELECT count(*) AS count, sum(face_id) AS idSum, max(face_id) AS maxId FROM embeddings WHERE head_id = ? AND face_id <= ?',
      ),
      featuresAfter: db.prepare<[number, number], { id: number; feature: Buffer }>(
        'SELECT id, feature FROM faces WHERE id > ? ORDER BY id LIMIT ?',
      ),
      shardFingerprints: db.prepare<
        [number, number, number],
        { shard: number; count: number; idSum: number | null; maxId: number | null }
      >(
        `SELECT face_id % ? AS shard, count(*) AS count, sum(face_id) AS idSum, max(face_id) AS maxId
           FROM embeddings WHERE head_id = ? AND face_id <= ? GROUP BY shard`,
      ),
      shardEmbeddingsAfter: db.prepare<[number, number, number, number], { face_id: number; vec: Buffer }>(
        'SELECT face_id, vec FROM embeddings WHERE head_id = ? AND face_id % ? = ? AND face_id > ? ORDER BY face_id',
      ),
      counts: db.prepare<[], { faces: number; embeddings: number }>(
        'SELECT (SELECT count(*) FROM faces) AS faces, (SELECT count(*) FROM embeddings) AS embeddings',
      ),
    };
  }

  /** Inserts a face of `photoId`; returns its id. Call inside the photo's transaction. */
  insertFace(photoId: number, f: NewFace, now = Date.now()): number {
    if (f.feature.length !== FEATURE_DIM)
      throw new Error(`a face feature must have ${FEATURE_DIM} values, got ${f.feature.length}`);
    if (f.landmarks.length !== 10) throw new Error(`a face needs 5 landmarks (10 values), got ${f.landmarks.length}`);
    const r = this.#s.insertFace.run({
      photoId,
      ...f.box,
      score: f.score,
      landmarks: f32ToBlob(f.landmarks),
      feature: f32ToBlob(f.feature),
      quality: f.quality,
      source: f.source ?? 'auto',
      createdAt: now,
    });
    return Number(r.lastInsertRowid);
  }

  face(id: number): FaceRecord | undefined {
    const r = this.#s.face.get(id);
    return r ? toRecord(r) : undefined;
  }

  facesOfPhoto(photoId: number): FaceRecord[] {
    return this.#s.facesOfPhoto.all(photoId).map(toRecord);
  }

  faceIdsOfPhoto(photoId: number): number[] {
    return this.#s.faceIdsOfPhoto.all(photoId).map((r) => r.id);
  }

  /** Writes (or replaces) the face's embedding under `headId`; `vec` must be unit length. */
  putEmbedding(faceId: number, headId: number, vec: Float32Array): void {
    if (vec.length !== FEATURE_DIM) throw new Error(`an embedding must have ${FEATURE_DIM} values, got ${vec.length}`);
    this.#s.upsertEmbedding.run(faceId, headId, f32ToBlob(vec));
  }

  embedding(faceId: number): { headId: number; vec: Float32Array } | undefined {
    const r = this.#s.embedding.get(faceId);
    return r ? { headId: r.head_id, vec: blobToF32(r.vec, FEATURE_DIM) } : undefined;
  }

  /** Every embedding of the head (face ids ascending), streamed: at 1M faces the whole set is 2 GB of floats. */
  *embeddings(headId: number, afterFaceId?: number): Generator<{ faceId: number; vec: Float32Array }> {
    const it =
      afterFaceId === undefined
        ? this.#s.embeddingsOfHead.iterate(headId)
        : this.#s.embeddingsAfter.iterate(headId, afterFaceId);
    for (const r of it) yield { faceId: r.face_id, vec: blobToF32(r.vec, FEATURE_DIM) };
  }

  /** The face ids that have an embedding under the head, ascending. */
  embeddingIds(headId: number): Int32Array {
    return Int32Array.from(this.#s.embeddingIds.all(headId), (r) => r.face_id);
  }

  fingerprint(headId: number, upToFaceId?: number): EmbeddingFingerprint {
    const r =
      upToFaceId === undefined ? this.#s.fingerprint.get(headId)! : this.#s.fingerprintUpTo.get(headId, upToFaceId)!;
    return { count: r.count, idSum: r.idSum ?? 0, maxId: r.maxId ?? 0 };
  }

  /** Up to `limit` stored features of faces with ids above `afterId`, ascending (a chunked scan of every face). */
  featuresAfter(afterId: number, limit: number): { id: number; feature: Float32Array }[] {
    return this.#s.featuresAfter
      .all(afterId, limit)
      .map((r) => ({ id: r.id, feature: blobToF32(r.feature, FEATURE_DIM) }));
  }

  /**
   * The fingerprint of each of `shards` groups of the head's embeddings (face id modulo `shards`; see
   * [Note: index shards]), counting only ids up to `upToFaceId` when given. One pass over the head's index.
   */
  shardFingerprints(headId: number, shards: number, upToFaceId = Number.MAX_SAFE_INTEGER): EmbeddingFingerprint[] {
    const out = Array.from({ length: shards }, () => ({ count: 0, idSum: 0, maxId: 0 }));
    for (const r of this.#s.shardFingerprints.all(shards, headId, upToFaceId))
      out[r.shard] = { count: r.count, idSum: r.idSum ?? 0, maxId: r.maxId ?? 0 };
    return out;
  }

  /** The head's embeddings of one shard with ids above `afterFaceId`, ascending, streamed. */
  *shardEmbeddings(
    headId: number,
    shards: number,
    shard: number,
    afterFaceId = 0,
  ): Generator<{ faceId: number; vec: Float32Array }> {
    for (const r of this.#s.shardEmbeddingsAfter.iterate(headId, shards, shard, afterFaceId))
      yield { faceId: r.face_id, vec: blobToF32(r.vec, FEATURE_DIM) };
  }

  counts(): { faces: number; embeddings: number } {
    return this.#s.counts.get()!;
  }
}

function toRecord(r: FaceRow): FaceRecord {
  return {
    id: r.id,
    photoId: r.photo_id,
    box: { x: r.x, y: r.y, w: r.w, h: r.h },
    score: r.score,
    landmarks: blobToF32(r.landmarks, 10),
    feature: blobToF32(r.feature, FEATURE_DIM),
    quality: r.quality,
    source: r.source,
    createdAt: r.created_at,
  };
}
