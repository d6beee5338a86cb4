// Engine (backup): writes what the user told the library (people, corrections, hand-drawn faces, heads) to a JSON file.
import { writeFileSync, renameSync } from 'node:fs';
import type { Db } from '../store/db.js';
import { BackupStore } from '../store/backup.js';
import { blobToF32 } from '../store/blob.js';
import type { Backup, FaceRef } from './format.js';

/** Builds the backup of the library's people, corrections and heads (see [Note: backup face references]). */
export function buildBackup(db: Db): Backup {
  const store = new BackupStore(db);
  const refs = new Map<number, FaceRef>();
  for (const r of store.faceKeys()) refs.set(r.id, { photo: r.hash, box: [r.x, r.y, r.w, r.h] });
  const ref = (faceId: number): FaceRef => {
    const r = refs.get(faceId);
    if (!r) throw new Error(`face ${faceId} is referred to but does not exist (run 'facelens doctor')`);
    return r;
  };
  const people = store.people();
  const assignments = store.assignments();
  const rejections = store.rejections();
  const manual = store.manualFaces();
  const heads = store.heads();
  return {
    format: 'facelens-backup',
    version: 1,
    createdAt: Date.now(),
    people: people.map((p) => ({
      key: p.id,
      name: p.name,
      hidden: p.hidden === 1,
      pinned: p.pinned === 1,
      cover: p.cover_face_id !== null && refs.has(p.cover_face_id) ? ref(p.cover_face_id) : null,
    })),
    assignments: assignments.map((a) => ({ face: ref(a.face_id), person: a.person_id, source: a.source })),
    rejections: rejections.map((r) => ({ face: ref(r.face_id), person: r.person_id })),
    manualFaces: manual.map((m) => ({
      face: ref(m.id),
      score: m.score,
      quality: m.quality,
      landmarks: Array.from(blobToF32(m.landmarks, 10)),
      feature: Buffer.from(m.feature).toString('base64'),
    })),
    heads: heads.map((h) => ({
      key: h.id,
      name: h.name,
      kind: h.kind,
      parent: h.parent_id,
      createdAt: h.created_at,
      active: h.active === 1,
      config: JSON.parse(h.config) as unknown,
      metrics: JSON.parse(h.metrics) as unknown,
      weights: h.weights ? Buffer.from(h.weights).toString('base64') : null,
    })),
  };
}

export interface ExportSummary {
  path: string;
  people: number;
  assignments: number;
  rejections: number;
  manualFaces: number;
  heads: number;
  bytes: number;
}

/** Writes the backup atomically (temp file, then rename) and says what it holds. */
export function exportBackup(db: Db, path: string): ExportSummary {
  const b = db.transaction(() => buildBackup(db))();
  const text = JSON.stringify(b);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return {
    path,
    people: b.people.length,
    assignments: b.assignments.length,
    rejections: b.rejections.length,
    manualFaces: b.manualFaces.length,
    heads: b.heads.length,
    bytes: Buffer.byteLength(text),
  };
}
