// Engine (host): the read queries behind the UI's lists (folders, failures, people, faces, photos, heads, history), paged, on the library's SQLite.
import type { Db } from '../store/db.js';
import type { Face, Failure, Folder, Head, HistoryEntry, Person, Photo } from '../../shared/schemas.js';

/**
 * [Note: host queries] The UI pages through lists that may hold 100k faces; these queries read the store's
 * tables directly (ordered, LIMIT/OFFSET, one statement each) and shape rows for the contract. They only read:
 * every change goes through the engine module that owns it. Tables of later migrations (people) are checked
 * for, so a library from before them still opens.
 */
export function hasTable(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

const count = (db: Db, sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;

interface FaceRow {
  id: number;
  photo_id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
  quality: number | null;
  source: 'auto' | 'manual';
  person_id: number | null;
  person_name: string | null;
  assigned_by: 'auto' | 'user' | null;
}

function faceSelect(db: Db): string {
  const people = hasTable(db, 'face_people');
  return people
    ? `SELECT f.id, f.photo_id, f.x, f.y, f.w, f.h, f.score, f.quality, f.source,
              fp.person_id, p.name AS person_name, fp.source AS assigned_by
         FROM faces f LEFT JOIN face_people fp ON fp.face_id = f.id LEFT JOIN people p ON p.id = fp.person_id`
    : `SELECT f.id, f.photo_id, f.x, f.y, f.w, f.h, f.score, f.quality, f.source,
              NULL AS person_id, NULL AS person_name, NULL AS assigned_by FROM faces f`;
}

export function toFace(r: FaceRow, minQuality: number): Face {
  return {
    id: r.id,
    photoId: r.photo_id,
    box: { x: r.x, y: r.y, w: r.w, h: r.h },
    score: r.score,
    quality: r.quality,
    lowQuality: r.quality !== null && r.quality < minQuality,
    personId: r.person_id,
    personName: r.person_name,
    source: r.source,
    assignedBy: r.assigned_by,
  };
}

export function face(db: Db, id: number, minQuality: number): Face | undefined {
  const r = db.prepare(`${faceSelect(db)} WHERE f.id = ?`).get(id) as FaceRow | undefined;
  return r && toFace(r, minQuality);
}

export function facesByIds(db: Db, ids: readonly number[], minQuality: number): Face[] {
  const stmt = db.prepare(`${faceSelect(db)} WHERE f.id = ?`);
  return ids.flatMap((id) => {
    const r = stmt.get(id) as FaceRow | undefined;
    return r ? [toFace(r, minQuality)] : [];
  });
}

export function stats(db: Db): {
  photos: number;
  faces: number;
  people: number;
  unknownFaces: number;
  failures: number;
} {
  const people = hasTable(db, 'people');
  const faces = count(db, 'SELECT count(*) AS n FROM faces');
  return {
    photos: count(db, "SELECT count(*) AS n FROM photos WHERE status = 'done'"),
    faces,
    people: people
      ? count(db, 'SELECT count(*) AS n FROM people p WHERE EXISTS (SELECT 1 FROM face_people WHERE person_id = p.id)')
      : 0,
    unknownFaces: people ? faces - count(db, 'SELECT count(*) AS n FROM face_people') : faces,
    failures: count(db, 'SELECT count(*) AS n FROM failures'),
  };
}

export function folders(db: Db): Folder[] {
  const rows = db
    .prepare(
      `SELECT d.id, d.path, d.added_at, d.last_scan_at,
              (SELECT count(*) FROM files WHERE folder_id = d.id) AS files,
              (SELECT count(*) FROM failures WHERE folder_id = d.id) AS failures
         FROM folders d ORDER BY d.path`,
    )
    .all() as {
    id: number;
    path: string;
    added_at: number;
    last_scan_at: number | null;
    files: number;
    failures: number;
  }[];
  return rows.map((r) => ({
    id: r.id,
    path: r.path,
    addedAt: r.added_at,
    lastScanAt: r.last_scan_at,
    files: r.files,
    failures: r.failures,
  }));
}

export function failures(db: Db, offset: number, limit: number): { total: number; items: Failure[] } {
  const items = db
    .prepare('SELECT path, code, reason, at FROM failures ORDER BY at DESC, path LIMIT ? OFFSET ?')
    .all(limit, offset) as Failure[];
  return { total: count(db, 'SELECT count(*) AS n FROM failures'), items };
}

interface PersonRow {
  id: number;
  name: string | null;
  hidden: number;
  cover_face_id: number | null;
  face_count: number;
  best_face: number | null;
}

/** People with their face counts; the cover (best face) is looked up only for the rows a query returns. */
const PERSON_ROWS = `
  SELECT p.id, p.name, p.hidden, p.cover_face_id, c.face_count
    FROM people p JOIN (SELECT person_id, count(*) AS face_count FROM face_people GROUP BY person_id) c ON c.person_id = p.id`;
// The quality of each face comes from faces_id_quality, not the face rows (see [Note: face order index]).
const BEST_FACE = `(SELECT fp2.face_id FROM face_people fp2 JOIN faces f2 INDEXED BY faces_id_quality ON f2.id = fp2.face_id
    WHERE fp2.person_id = q.id ORDER BY coalesce(f2.quality, 0) DESC, f2.id LIMIT 1) AS best_face`;

function toPerson(r: PersonRow): Person {
  return {
    id: r.id,
    name: r.name,
    faceCount: r.face_count,
    coverFaceId: r.cover_face_id ?? r.best_face,
    hidden: r.hidden === 1,
  };
}

export function people(
  db: Db,
  o: { offset: number; limit: number; includeHidden: boolean; named: 'all' | 'named' | 'unnamed' },
): { total: number; items: Person[] } {
  if (!hasTable(db, 'people')) return { total: 0, items: [] };
  const where = [
    o.includeHidden ? '1' : 'p.hidden = 0',
    o.named === 'named' ? 'p.name IS NOT NULL' : o.named === 'unnamed' ? 'p.name IS NULL' : '1',
  ].join(' AND ');
  const order = '(q.name IS NULL), q.face_count DESC, q.id';
  const rows = db
    .prepare(
      `SELECT q.*, ${BEST_FACE} FROM (SELECT * FROM (${PERSON_ROWS} WHERE ${where}) q ORDER BY ${order} LIMIT ? OFFSET ?) q ORDER BY ${order}`,
    )
    .all(o.limit, o.offset) as PersonRow[];
  const total = count(
    db,
    `SELECT count(*) AS n FROM people p WHERE ${where} AND EXISTS (SELECT 1 FROM face_people WHERE person_id = p.id)`,
  );
  return { total, items: rows.map(toPerson) };
}

export function person(db: Db, id: number): Person | undefined {
  if (!hasTable(db, 'people')) return undefined;
  const r = db.prepare(`SELECT q.*, ${BEST_FACE} FROM (${PERSON_ROWS} WHERE p.id = ?) q`).get(id) as
    PersonRow | undefined;
  if (r) return toPerson(r);
  const empty = db.prepare('SELECT id, name, hidden, cover_face_id FROM people WHERE id = ?').get(id) as
    PersonRow | undefined;
  return empty && toPerson({ ...empty, face_count: 0, best_face: null });
}

export function personFaces(
  db: Db,
  personId: number,
  offset: number,
  limit: number,
  minQuality: number,
): { total: number; items: Face[] } {
  const rows = db
    .prepare(
      `${faceSelect(db)} WHERE fp.person_id = ? ORDER BY (fp.source = 'user') DESC, coalesce(f.quality, 0) DESC, f.id LIMIT ? OFFSET ?`,
    )
    .all(personId, limit, offset) as FaceRow[];
  return {
    total: count(db, 'SELECT count(*) AS n FROM face_people WHERE person_id = ?', personId),
    items: rows.map((r) => toFace(r, minQuality)),
  };
}

/**
 * Faces in nobody, good ones or (lowQuality) the ones the quality gate keeps apart: the page and its count
 * (exported so a test can check they read the face order index, see [Note: face order index]).
 */
export function unknownFacesSql(db: Db, lowQuality: boolean): { page: string; count: string } {
  const people = hasTable(db, 'face_people');
  const gate = lowQuality ? '(f.quality IS NOT NULL AND f.quality < ?)' : '(f.quality IS NULL OR f.quality >= ?)';
  const where = `${people ? 'fp.person_id IS NULL AND ' : ''}${gate}`;
  const from = people ? 'faces f LEFT JOIN face_people fp ON fp.face_id = f.id' : 'faces f';
  return {
    page: `${faceSelect(db)} WHERE ${where} ORDER BY coalesce(f.quality, 0) DESC, f.id LIMIT ? OFFSET ?`,
    count: `SELECT count(*) AS n FROM ${from} WHERE ${where}`,
  };
}

export function unknownFaces(
  db: Db,
  o: { offset: number; limit: number; lowQuality: boolean },
  minQuality: number,
): { total: number; items: Face[] } {
  const sql = unknownFacesSql(db, o.lowQuality);
  const rows = db.prepare(sql.page).all(minQuality, o.limit, o.offset) as FaceRow[];
  return {
    total: count(db, sql.count, minQuality),
    items: rows.map((r) => toFace(r, minQuality)),
  };
}

export function photo(db: Db, id: number, minQuality: number): Photo | undefined {
  const p = db.prepare('SELECT id, width, height, taken_at FROM photos WHERE id = ?').get(id) as
    { id: number; width: number | null; height: number | null; taken_at: number | null } | undefined;
  if (!p) return undefined;
  const file = db.prepare('SELECT path FROM files WHERE photo_id = ? ORDER BY id LIMIT 1').get(id) as
    { path: string } | undefined;
  const faces = (db.prepare(`${faceSelect(db)} WHERE f.photo_id = ? ORDER BY f.x`).all(id) as FaceRow[]).map((r) =>
    toFace(r, minQuality),
  );
  return { id: p.id, path: file?.path ?? null, width: p.width, height: p.height, takenAt: p.taken_at, faces };
}

export function heads(db: Db): Head[] {
  const rows = db
    .prepare('SELECT id, name, kind, active, created_at, config, metrics FROM heads ORDER BY id')
    .all() as {
    id: number;
    name: string;
    kind: Head['kind'];
    active: number;
    created_at: number;
    config: string;
    metrics: string;
  }[];
  const json = (s: string) => {
    try {
      const v: unknown = JSON.parse(s);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    active: r.active === 1,
    createdAt: r.created_at,
    config: json(r.config),
    metrics: json(r.metrics),
  }));
}

export function history(db: Db, limit: number): HistoryEntry[] {
  if (!hasTable(db, 'history')) return [];
  const rows = db.prepare('SELECT id, kind, summary, at, undone FROM history ORDER BY id DESC LIMIT ?').all(limit) as {
    id: number;
    kind: string;
    summary: string;
    at: number;
    undone: number;
  }[];
  return rows.map((r) => ({ ...r, undone: r.undone === 1 }));
}

/** The active head's unit embedding of a face, or undefined. */
export function embedding(db: Db, faceId: number): { headId: number; vec: Float32Array } | undefined {
  const r = db
    .prepare(
      'SELECT e.head_id, e.vec FROM embeddings e JOIN heads h ON h.id = e.head_id AND h.active = 1 WHERE e.face_id = ?',
    )
    .get(faceId) as { head_id: number; vec: Buffer } | undefined;
  if (!r) return undefined;
  const copy = new Uint8Array(r.vec);
  return { headId: r.head_id, vec: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
}
