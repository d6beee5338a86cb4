// Test helper (cluster, people): a real SQLite library (openDb) filled with synthetic faces, photos and embeddings.
import { join } from 'node:path';
import { openDb, type Db } from '../../../../src/engine/store/db.js';
import { f32ToBlob } from '../../../../src/engine/store/blob.js';
import { syntheticFaces } from '../../../../src/engine/cluster/synthetic.js';
import { tempDir } from '../../../helpers/tmp.js';

export interface Seeded {
  db: Db;
  /** Face ids in insertion order, their identity and photo. */
  faceIds: number[];
  labels: number[];
  photoIds: number[];
}

/** Inserts faces (vectors n*dim unit rows) with the given photo grouping; returns their ids. */
export function insertFaces(
  db: Db,
  vectors: Float32Array,
  dim: number,
  photos: ArrayLike<number>,
  quality?: (i: number) => number | null,
): { faceIds: number[]; photoIds: number[] } {
  const n = photos.length;
  const photoIds = new Map<number, number>();
  const insPhoto = db.prepare(`INSERT INTO photos (hash, width, height, status) VALUES (?, 640, 480, 'done')`);
  const insFace = db.prepare(
    `INSERT INTO faces (photo_id, x, y, w, h, score, landmarks, feature, quality, source, created_at) VALUES (?, ?, 10, 80, 80, 0.99, ?, ?, ?, 'auto', 0)`,
  );
  const insEmb = db.prepare('INSERT INTO embeddings (face_id, head_id, vec) VALUES (?, 1, ?)');
  const lm = f32ToBlob(new Float32Array(10));
  const faceIds: number[] = [];
  const outPhotos: number[] = [];
  const base = (db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n;
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const key = photos[i]!;
      let pid = photoIds.get(key);
      if (pid === undefined) {
        pid = Number(insPhoto.run(`synthetic-${base}-${key}`).lastInsertRowid);
        photoIds.set(key, pid);
      }
      const v = vectors.subarray(i * dim, (i + 1) * dim);
      const id = Number(insFace.run(pid, 10 + 100 * i, lm, f32ToBlob(v), quality ? quality(i) : 0.9).lastInsertRowid);
      insEmb.run(id, f32ToBlob(v));
      faceIds.push(id);
      outPhotos.push(pid);
    }
  })();
  return { faceIds, photoIds: outPhotos };
}

/** A fresh library with `faces` synthetic faces of `identities` people (one photo per face unless groupShare). */
export function seedLibrary(o: {
  identities: number;
  faces: number;
  sameCos?: number;
  seed?: number;
  groupShare?: number;
}): Seeded {
  const db = openDb(join(tempDir(), 'lib.db'));
  const s = syntheticFaces({
    identities: o.identities,
    faces: o.faces,
    sameCos: o.sameCos ?? 0.6,
    seed: o.seed ?? 7,
    groupShare: o.groupShare,
    sameCosSpread: 0.15,
  });
  const { faceIds, photoIds } = insertFaces(db, s.vectors, s.dim, s.photos);
  return { db, faceIds, labels: Array.from(s.labels), photoIds };
}

/** Every recorded table as plain rows, for exact before/after comparisons (undo, redo, no-op checks). */
export function snapshot(db: Db): unknown {
  return {
    people: db.prepare('SELECT * FROM people ORDER BY id').all(),
    face_people: db.prepare('SELECT face_id, person_id, source FROM face_people ORDER BY face_id').all(),
    face_rejections: db.prepare('SELECT face_id, person_id FROM face_rejections ORDER BY face_id, person_id').all(),
  };
}

/** person id of each face (0 = unknown). */
export function assignment(db: Db): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of db.prepare('SELECT face_id, person_id FROM face_people').all() as {
    face_id: number;
    person_id: number;
  }[])
    m.set(r.face_id, r.person_id);
  return m;
}
