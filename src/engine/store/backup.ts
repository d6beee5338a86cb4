// Engine (store): the rows a backup is made of (people, assignments, rejections, hand-drawn faces, heads) and the writes a restore makes.
import type { Db } from './db.js';
import type { HeadDbRow, HeadKind } from './heads.js';

export interface BackupPersonRow {
  id: number;
  name: string | null;
  hidden: number;
  pinned: number;
  cover_face_id: number | null;
}

export interface BackupHeadRow extends HeadDbRow {
  weights: Buffer | null;
}

/** See [Note: backup face references] in backup/format.ts: faces are named by photo hash and box, not by id. */
export class BackupStore {
  constructor(readonly db: Db) {}

  /** Every face as (id, its photo's content hash, its box). */
  *faceKeys(): Generator<{ id: number; hash: string; x: number; y: number; w: number; h: number }> {
    yield* this.db
      .prepare('SELECT f.id, p.hash, f.x, f.y, f.w, f.h FROM faces f JOIN photos p ON p.id = f.photo_id')
      .iterate() as IterableIterator<{ id: number; hash: string; x: number; y: number; w: number; h: number }>;
  }

  people(): BackupPersonRow[] {
    return this.db
      .prepare('SELECT id, name, hidden, pinned, cover_face_id FROM people ORDER BY id')
      .all() as BackupPersonRow[];
  }

  assignments(): { face_id: number; person_id: number; source: 'auto' | 'user' }[] {
    return this.db.prepare('SELECT face_id, person_id, source FROM face_people ORDER BY face_id').all() as {
      face_id: number;
      person_id: number;
      source: 'auto' | 'user';
    }[];
  }

  rejections(): { face_id: number; person_id: number }[] {
    return this.db.prepare('SELECT face_id, person_id FROM face_rejections ORDER BY id').all() as {
      face_id: number;
      person_id: number;
    }[];
  }

  manualFaces(): { id: number; score: number; quality: number | null; landmarks: Buffer; feature: Buffer }[] {
    return this.db
      .prepare("SELECT id, score, quality, landmarks, feature FROM faces WHERE source = 'manual' ORDER BY id")
      .all() as { id: number; score: number; quality: number | null; landmarks: Buffer; feature: Buffer }[];
  }

  heads(): BackupHeadRow[] {
    return this.db
      .prepare('SELECT id, name, kind, parent_id, created_at, active, config, metrics, weights FROM heads ORDER BY id')
      .all() as BackupHeadRow[];
  }

  // --- restore

  photoIdByHash(hash: string): number | undefined {
    return (this.db.prepare('SELECT id FROM photos WHERE hash = ?').get(hash) as { id: number } | undefined)?.id;
  }

  faceBoxesOfPhoto(photoId: number): { id: number; x: number; y: number; w: number; h: number }[] {
    return this.db.prepare('SELECT id, x, y, w, h FROM faces WHERE photo_id = ?').all(photoId) as {
      id: number;
      x: number;
      y: number;
      w: number;
      h: number;
    }[];
  }

  personIdByName(name: string): number | undefined {
    return (
      this.db.prepare('SELECT id FROM people WHERE name = ? ORDER BY id LIMIT 1').get(name) as
        { id: number } | undefined
    )?.id;
  }

  /** Hidden as the backup says; pinned when either side pinned it. */
  setPersonFlags(personId: number, hidden: boolean, pinned: boolean): void {
    this.db
      .prepare('UPDATE people SET hidden = ?, pinned = max(pinned, ?) WHERE id = ?')
      .run(hidden ? 1 : 0, pinned ? 1 : 0, personId);
  }

  assignmentOf(faceId: number): { person_id: number; source: string } | undefined {
    return this.db.prepare('SELECT person_id, source FROM face_people WHERE face_id = ?').get(faceId) as
      { person_id: number; source: string } | undefined;
  }

  assign(faceId: number, personId: number, source: 'auto' | 'user', at: number): void {
    this.db
      .prepare(
        `INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(face_id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source, at = excluded.at`,
      )
      .run(faceId, personId, source, at);
  }

  /** Records a rejection; true when it was new. */
  reject(faceId: number, personId: number, at: number): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO face_rejections (face_id, person_id, at) VALUES (?, ?, ?)')
        .run(faceId, personId, at).changes > 0
    );
  }

  setCover(personId: number, faceId: number): void {
    this.db.prepare('UPDATE people SET cover_face_id = ? WHERE id = ?').run(faceId, personId);
  }

  headIdByNameAndDate(name: string, createdAt: number): number | undefined {
    return (
      this.db.prepare('SELECT id FROM heads WHERE name = ? AND created_at = ?').get(name, createdAt) as
        { id: number } | undefined
    )?.id;
  }

  /** A head as the backup holds it (its weights already serialized), inactive. */
  insertHead(h: {
    name: string;
    kind: HeadKind;
    parentId: number | null;
    createdAt: number;
    config: unknown;
    metrics: unknown;
    weights: Buffer | null;
  }): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO heads (name, kind, parent_id, created_at, config, metrics, weights, active) VALUES (?, ?, ?, ?, ?, ?, ?, 0)',
        )
        .run(
          h.name,
          h.kind,
          h.parentId,
          h.createdAt,
          JSON.stringify(h.config ?? {}),
          JSON.stringify(h.metrics ?? {}),
          h.weights,
        ).lastInsertRowid,
    );
  }
}
