// Engine (store): the read queries behind every list a door shows (folders, failures, people, faces, photos, heads), paged.
import type { Db } from './db.js';
import type { Face, Failure, Folder, Head, Person, Photo, Stats } from '../../shared/schemas.js';
import type { FaceRow } from './faces.js';
import { HeadStore } from './heads.js';

/**
 * [Note: views] The doors page through lists that may hold 100k faces; these queries read the tables directly
 * (ordered, LIMIT/OFFSET, one statement each) and shape rows for the contract. They only read: every change goes
 * through the store module that owns its table.
 */

const count = (db: Db, sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;

/** A face as the views read it: part of its row, and the person it sits in. */
type FaceViewRow = Pick<FaceRow, 'id' | 'photo_id' | 'x' | 'y' | 'w' | 'h' | 'score' | 'quality' | 'source'> & {
  person_id: number | null;
  person_name: string | null;
  assigned_by: 'auto' | 'user' | null;
};

const FACE_SELECT = `SELECT f.id, f.photo_id, f.x, f.y, f.w, f.h, f.score, f.quality, f.source,
              fp.person_id, p.name AS person_name, fp.source AS assigned_by
         FROM faces f LEFT JOIN face_people fp ON fp.face_id = f.id LEFT JOIN people p ON p.id = fp.person_id`;

function toFace(r: FaceViewRow, minQuality: number): Face {
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
  const r = db.prepare(`${FACE_SELECT} WHERE f.id = ?`).get(id) as FaceViewRow | undefined;
  return r && toFace(r, minQuality);
}

export function facesByIds(db: Db, ids: readonly number[], minQuality: number): Face[] {
  const stmt = db.prepare(`${FACE_SELECT} WHERE f.id = ?`);
  return ids.flatMap((id) => {
    const r = stmt.get(id) as FaceViewRow | undefined;
    return r ? [toFace(r, minQuality)] : [];
  });
}

/** The newest face and history entry: where an import started ([Note: people as faces arrive]). */
export function newestIds(db: Db): { face: number; history: number } {
  return {
    face: count(db, 'SELECT coalesce(max(id), 0) AS n FROM faces'),
    history: count(db, 'SELECT coalesce(max(id), 0) AS n FROM history'),
  };
}

/**
 * People the user changed in history entries after `historyId` (any entry but the engine's own 'assign'): the
 * people rows they wrote, and the people their face assignments and rejections named, before or after.
 */
export function peopleEditedSince(db: Db, historyId: number): Set<number> {
  const rows = db
    .prepare(
      `SELECT c.tbl, c.row_key, c.before, c.after FROM history_changes c JOIN history h ON h.id = c.history_id
        WHERE h.id > ? AND h.kind <> 'assign'`,
    )
    .all(historyId) as { tbl: string; row_key: number; before: string | null; after: string | null }[];
  const out = new Set<number>();
  for (const r of rows) {
    if (r.tbl === 'people') out.add(r.row_key);
    for (const image of [r.before, r.after]) {
      const person = image ? (JSON.parse(image) as { person_id?: unknown }).person_id : undefined;
      if (typeof person === 'number') out.add(person);
    }
  }
  return out;
}

/** Faces from `firstFaceId` on that sit in a person by the engine's guess (not placed by the user). */
export function guessedFrom(db: Db, firstFaceId: number): { faceId: number; personId: number }[] {
  return db
    .prepare(
      "SELECT face_id AS faceId, person_id AS personId FROM face_people WHERE face_id >= ? AND source = 'auto' ORDER BY face_id",
    )
    .all(firstFaceId) as { faceId: number; personId: number }[];
}

/** Faces in the library (the import's progress counts its new faces with this, several times a second). */
export function faceCount(db: Db): number {
  return count(db, 'SELECT count(*) AS n FROM faces');
}

/**
 * Counts of what the library holds (the index size and backend are added by the engine, which owns them). Faces
 * in nobody are counted as the People page's two tabs list them: unknown faces, and low-quality faces below
 * `minQuality` kept apart (the user's quality gate).
 */
export function stats(db: Db, minQuality: number): Omit<Stats, 'indexSize' | 'backend' | 'inference'> {
  const faces = faceCount(db);
  const loose = (lowQuality: boolean) => count(db, unknownFacesSql(lowQuality).count, minQuality);
  return {
    photos: count(db, "SELECT count(*) AS n FROM photos WHERE status = 'done'"),
    files: count(db, 'SELECT count(*) AS n FROM files'),
    folders: count(db, 'SELECT count(*) AS n FROM folders'),
    faces,
    people: count(
      db,
      'SELECT count(*) AS n FROM people p WHERE EXISTS (SELECT 1 FROM face_people WHERE person_id = p.id)',
    ),
    unknownFaces: loose(false),
    lowQualityFaces: loose(true),
    failures: count(db, 'SELECT count(*) AS n FROM failures'),
    activeHead: count(db, 'SELECT id AS n FROM heads WHERE active = 1'),
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
  placed_count: number;
  best_face: number | null;
}

/** People with their face counts; the cover (best face) is looked up only for the rows a query returns. */
const PERSON_ROWS = `
  SELECT p.id, p.name, p.hidden, p.cover_face_id, c.face_count, c.placed_count
    FROM people p JOIN (SELECT person_id, count(*) AS face_count, sum(source = 'user') AS placed_count
                          FROM face_people GROUP BY person_id) c ON c.person_id = p.id`;
// Rejections are counted only for the rows a query returns.
const REJECTED = '(SELECT count(*) FROM face_rejections r WHERE r.person_id = q.id) AS rejected_count';
// The quality of each face comes from faces_id_quality, not the face rows (see [Note: face order index]).
const BEST_FACE = `(SELECT fp2.face_id FROM face_people fp2 JOIN faces f2 INDEXED BY faces_id_quality ON f2.id = fp2.face_id
    WHERE fp2.person_id = q.id ORDER BY coalesce(f2.quality, 0) DESC, f2.id LIMIT 1) AS best_face`;

function toPerson(r: PersonRow & { rejected_count: number }): Person {
  return {
    id: r.id,
    name: r.name,
    faceCount: r.face_count,
    coverFaceId: r.cover_face_id ?? r.best_face,
    hidden: r.hidden === 1,
    placedCount: r.placed_count,
    rejectedCount: r.rejected_count,
  };
}

export function people(
  db: Db,
  o: { offset: number; limit: number; includeHidden: boolean; named: 'all' | 'named' | 'unnamed' },
): { total: number; items: Person[] } {
  const where = [
    o.includeHidden ? '1' : 'p.hidden = 0',
    o.named === 'named' ? 'p.name IS NOT NULL' : o.named === 'unnamed' ? 'p.name IS NULL' : '1',
  ].join(' AND ');
  const order = '(q.name IS NULL), q.face_count DESC, q.id';
  const rows = db
    .prepare(
      `SELECT q.*, ${BEST_FACE}, ${REJECTED} FROM (SELECT * FROM (${PERSON_ROWS} WHERE ${where}) q ORDER BY ${order} LIMIT ? OFFSET ?) q ORDER BY ${order}`,
    )
    .all(o.limit, o.offset) as (PersonRow & { rejected_count: number })[];
  const total = count(
    db,
    `SELECT count(*) AS n FROM people p WHERE ${where} AND EXISTS (SELECT 1 FROM face_people WHERE person_id = p.id)`,
  );
  return { total, items: rows.map(toPerson) };
}

export function person(db: Db, id: number): Person | undefined {
  const r = db.prepare(`SELECT q.*, ${BEST_FACE}, ${REJECTED} FROM (${PERSON_ROWS} WHERE p.id = ?) q`).get(id) as
    (PersonRow & { rejected_count: number }) | undefined;
  if (r) return toPerson(r);
  const empty = db
    .prepare(
      'SELECT q.id, q.name, q.hidden, q.cover_face_id, 0 AS face_count, 0 AS placed_count, NULL AS best_face, ' +
        `${REJECTED} FROM people q WHERE q.id = ?`,
    )
    .get(id) as (PersonRow & { rejected_count: number }) | undefined;
  return empty && toPerson(empty);
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
      `${FACE_SELECT} WHERE fp.person_id = ? ORDER BY (fp.source = 'user') DESC, coalesce(f.quality, 0) DESC, f.id LIMIT ? OFFSET ?`,
    )
    .all(personId, limit, offset) as FaceViewRow[];
  return {
    total: count(db, 'SELECT count(*) AS n FROM face_people WHERE person_id = ?', personId),
    items: rows.map((r) => toFace(r, minQuality)),
  };
}

/**
 * Faces in nobody, good ones or (lowQuality) the ones the quality gate keeps apart: the page and its count
 * (exported so a test can check they read the face order index, see [Note: face order index]).
 */
export function unknownFacesSql(lowQuality: boolean): { page: string; count: string } {
  const gate = lowQuality ? '(f.quality IS NOT NULL AND f.quality < ?)' : '(f.quality IS NULL OR f.quality >= ?)';
  const where = `fp.person_id IS NULL AND ${gate}`;
  const from = 'faces f LEFT JOIN face_people fp ON fp.face_id = f.id';
  return {
    page: `${FACE_SELECT} WHERE ${where} ORDER BY coalesce(f.quality, 0) DESC, f.id LIMIT ? OFFSET ?`,
    count: `SELECT count(*) AS n FROM ${from} WHERE ${where}`,
  };
}

export function unknownFaces(
  db: Db,
  o: { offset: number; limit: number; lowQuality: boolean },
  minQuality: number,
): { total: number; items: Face[] } {
  const sql = unknownFacesSql(o.lowQuality);
  const rows = db.prepare(sql.page).all(minQuality, o.limit, o.offset) as FaceViewRow[];
  return {
    total: count(db, sql.count, minQuality),
    items: rows.map((r) => toFace(r, minQuality)),
  };
}

export function photo(db: Db, id: number, minQuality: number): Photo | undefined {
  const p = db.prepare('SELECT id, width, height, taken_at, date_at, date_source FROM photos WHERE id = ?').get(id) as
    | {
        id: number;
        width: number | null;
        height: number | null;
        taken_at: number | null;
        date_at: number | null;
        date_source: 'exif' | 'file' | null;
      }
    | undefined;
  if (!p) return undefined;
  const files = (db.prepare('SELECT path FROM files WHERE photo_id = ? ORDER BY id').all(id) as { path: string }[]).map(
    (f) => f.path,
  );
  const faces = (db.prepare(`${FACE_SELECT} WHERE f.photo_id = ? ORDER BY f.x`).all(id) as FaceViewRow[]).map((r) =>
    toFace(r, minQuality),
  );
  return {
    id: p.id,
    path: files[0] ?? null,
    files,
    width: p.width,
    height: p.height,
    takenAt: p.taken_at,
    date: p.date_at,
    dateSource: p.date_source,
    faces,
  };
}

/**
 * A face a history entry is about, for its thumbnail: the first face it placed or took out that still exists,
 * else the current cover of the first person it changed (a rename, a hide, a new cover); undefined when neither is left.
 */
export function historyFace(db: Db, historyId: number, minQuality: number): number | undefined {
  const moved = db
    .prepare(
      `SELECT c.row_key AS n FROM history_changes c JOIN faces f ON f.id = c.row_key
        WHERE c.history_id = ? AND c.tbl = 'face_people' ORDER BY c.id LIMIT 1`,
    )
    .get(historyId) as { n: number } | undefined;
  if (moved) return moved.n;
  const people = db
    .prepare(`SELECT DISTINCT row_key AS n FROM history_changes WHERE history_id = ? AND tbl = 'people' LIMIT 5`)
    .all(historyId) as { n: number }[];
  for (const { n } of people) {
    const cover = person(db, n)?.coverFaceId;
    if (cover != null && face(db, cover, minQuality)) return cover;
  }
  return undefined;
}

export function heads(db: Db): Head[] {
  return new HeadStore(db).list().map(({ id, name, kind, active, createdAt, config, metrics }) => ({
    id,
    name,
    kind,
    active,
    createdAt,
    config,
    metrics,
  }));
}

/** Which photos a list shows: all of them, those where every one of `personIds` appears, under a folder, in a date range. */
export interface PhotoFilter {
  personIds?: readonly number[] | undefined;
  /** An absolute folder path: photos with a file at or under it. */
  folder?: string | undefined;
  /** Dates (ms since the epoch) from `from` (inclusive) to `to` (exclusive). */
  from?: number | undefined;
  to?: number | undefined;
}

export interface PhotoCardRow {
  id: number;
  date: number | null;
  dateSource: 'exif' | 'file' | null;
  width: number | null;
  height: number | null;
  faces: number;
}

/**
 * [Note: photo lists] Every photo list (the timeline, a person's photos, people together, a search) is one filter
 * over the photos that are done, newest first by [Note: photo date], then by id: one WHERE clause built here, so a
 * page, its count, its months and the rank of one photo agree by construction. "Together" is the photos whose
 * faces belong to every chosen person (a GROUP BY over their face_people rows, read through face_people_person).
 */
function photoWhere(f: PhotoFilter): { sql: string; params: unknown[] } {
  const where = ["p.status = 'done'"];
  const params: unknown[] = [];
  const people = [...new Set(f.personIds ?? [])];
  if (people.length) {
    where.push(
      `p.id IN (SELECT fa.photo_id FROM face_people fp JOIN faces fa ON fa.id = fp.face_id
                 WHERE fp.person_id IN (${people.map(() => '?').join(', ')})
                 GROUP BY fa.photo_id HAVING count(DISTINCT fp.person_id) = ${people.length})`,
    );
    params.push(...people);
  }
  if (f.folder !== undefined) {
    const base = f.folder.replace(/\/+$/, '');
    where.push('EXISTS (SELECT 1 FROM files fi WHERE fi.photo_id = p.id AND fi.path >= ? AND fi.path < ?)');
    params.push(`${base}/`, `${base}0`); // [Note: path ranges]
  }
  if (f.from !== undefined) {
    where.push('p.date_at >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('p.date_at < ?');
    params.push(f.to);
  }
  return { sql: where.join(' AND '), params };
}

const PHOTO_ORDER = 'p.date_at DESC, p.id DESC';

/** The page and count statements of a photo list and their parameters (exported so a test can read their plans). */
export function photoListSql(f: PhotoFilter): { page: string; count: string; params: unknown[] } {
  const w = photoWhere(f);
  return {
    page: `SELECT p.id, p.date_at AS date, p.date_source AS dateSource, p.width, p.height,
                  (SELECT count(*) FROM faces x WHERE x.photo_id = p.id) AS faces
             FROM photos p WHERE ${w.sql} ORDER BY ${PHOTO_ORDER} LIMIT ? OFFSET ?`,
    count: `SELECT count(*) AS n FROM photos p WHERE ${w.sql}`,
    params: w.params,
  };
}

/** One page of a photo list, newest first, and the list's length (see [Note: photo lists]). */
export function photoPage(
  db: Db,
  f: PhotoFilter,
  offset: number,
  limit: number,
): { total: number; items: PhotoCardRow[] } {
  const sql = photoListSql(f);
  const rows = db.prepare(sql.page).all(...sql.params, limit, offset) as PhotoCardRow[];
  return { total: count(db, sql.count, ...sql.params), items: rows };
}

/** 'YYYY-MM' of a date in this machine's local time. */
const monthKey = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

/**
 * How many photos of a list fall in each month (local time of the engine's machine), newest month first, photos
 * without any date last as 'undated': the timeline lays out its month sections from these before loading a photo.
 * [Note: month counts] Grouping by strftime() reads and formats every row (0.3 s at 100k photos); instead the
 * months between the list's newest and oldest date are counted one index range each (2-3 ms at 100k). A list
 * narrowed to people, or dates spread over centuries (a bogus EXIF year), reads its dates once and counts them here.
 */
export function photoMonths(db: Db, f: PhotoFilter): { key: string; count: number }[] {
  const w = photoWhere(f);
  const out: { key: string; count: number }[] = [];
  const undated = count(db, `SELECT count(*) AS n FROM photos p WHERE ${w.sql} AND p.date_at IS NULL`, ...w.params);
  // Newest and oldest date: each one end of the date index (min() and max() in one statement would scan it all).
  const end = (order: string) =>
    (
      db
        .prepare(
          `SELECT p.date_at AS d FROM photos p WHERE ${w.sql} AND p.date_at IS NOT NULL ORDER BY ${order} LIMIT 1`,
        )
        .get(...w.params) as { d: number } | undefined
    )?.d;
  const newest = end(PHOTO_ORDER);
  const oldest = end('p.date_at ASC, p.id ASC');
  if (newest !== undefined && oldest !== undefined) {
    const hi = new Date(newest);
    const lo = new Date(oldest);
    const months = (hi.getFullYear() - lo.getFullYear()) * 12 + hi.getMonth() - lo.getMonth() + 1;
    if (!f.personIds?.length && months <= 1200) {
      const inRange = db.prepare(
        `SELECT count(*) AS n FROM photos p WHERE ${w.sql} AND p.date_at >= ? AND p.date_at < ?`,
      );
      for (let k = 0; k < months; k++) {
        const from = new Date(hi.getFullYear(), hi.getMonth() - k, 1).getTime();
        const to = new Date(hi.getFullYear(), hi.getMonth() - k + 1, 1).getTime();
        const n = (inRange.get(...w.params, from, to) as { n: number }).n;
        if (n) out.push({ key: monthKey(from), count: n });
      }
    } else {
      const dates = db
        .prepare(`SELECT p.date_at FROM photos p WHERE ${w.sql} AND p.date_at IS NOT NULL ORDER BY ${PHOTO_ORDER}`)
        .pluck()
        .all(...w.params) as number[];
      let floor = Infinity; // the start of the month being counted
      for (const d of dates) {
        if (d < floor) {
          const dt = new Date(d);
          floor = new Date(dt.getFullYear(), dt.getMonth(), 1).getTime();
          out.push({ key: monthKey(d), count: 0 });
        }
        out[out.length - 1]!.count++;
      }
    }
  }
  if (undated) out.push({ key: 'undated', count: undated });
  return out;
}

/** Where a photo sits in a list: its index, the list's length and the photos before and after it (null at the ends). */
export function photoAround(
  db: Db,
  f: PhotoFilter,
  photoId: number,
): { index: number | null; total: number; prev: number | null; next: number | null } {
  const w = photoWhere(f);
  const total = count(db, `SELECT count(*) AS n FROM photos p WHERE ${w.sql}`, ...w.params);
  const me = db
    .prepare(`SELECT p.id, p.date_at AS date FROM photos p WHERE p.id = ? AND ${w.sql}`)
    .get(photoId, ...w.params) as { id: number; date: number | null } | undefined;
  if (!me) return { index: null, total, prev: null, next: null };
  const before =
    me.date === null
      ? `p.date_at IS NOT NULL OR (p.date_at IS NULL AND p.id > ?)`
      : `p.date_at > ? OR (p.date_at = ? AND p.id > ?)`;
  const index = count(
    db,
    `SELECT count(*) AS n FROM photos p WHERE ${w.sql} AND (${before})`,
    ...w.params,
    ...(me.date === null ? [me.id] : [me.date, me.date, me.id]),
  );
  const at = (i: number): number | null =>
    i < 0
      ? null
      : ((
          db
            .prepare(`SELECT p.id FROM photos p WHERE ${w.sql} ORDER BY ${PHOTO_ORDER} LIMIT 1 OFFSET ?`)
            .get(...w.params, i) as { id: number } | undefined
        )?.id ?? null);
  return { index, total, prev: at(index - 1), next: at(index + 1) };
}

/** The file a face was found in (the photo's first file) and that photo. */
export function faceSource(db: Db, faceId: number): { photoId: number; path: string | null } | undefined {
  return db
    .prepare(
      `SELECT f.photo_id AS photoId, (SELECT fi.path FROM files fi WHERE fi.photo_id = f.photo_id ORDER BY fi.id LIMIT 1) AS path
         FROM faces f WHERE f.id = ?`,
    )
    .get(faceId) as { photoId: number; path: string | null } | undefined;
}

/** LIKE pattern matching `text` anywhere (its %, _ and \ taken literally). */
const likeAnywhere = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** People (with faces, not hidden) whose name contains `text`, case-insensitively (ASCII), at most `limit`. */
export function peopleNamed(db: Db, text: string, limit: number): Person[] {
  const ids = db
    .prepare(
      `SELECT p.id FROM people p WHERE p.hidden = 0 AND p.name LIKE ? ESCAPE '\\'
          AND EXISTS (SELECT 1 FROM face_people WHERE person_id = p.id) LIMIT ?`,
    )
    .all(likeAnywhere(text), limit) as { id: number }[];
  return ids.flatMap(({ id }) => {
    const p = person(db, id);
    return p ? [p] : [];
  });
}

/** Folders holding photo files whose path contains `text` (library folders and the folders inside them), with their file counts. */
export function foldersNamed(db: Db, text: string, limit: number): { path: string; files: number }[] {
  return db
    .prepare(
      // The path filter (a superset: a folder's text is in its files' paths) keeps the folder arithmetic to matches.
      `SELECT dir AS path, count(*) AS files FROM (
           SELECT substr(path, 1, length(rtrim(path, replace(path, '/', ''))) - 1) AS dir FROM files
            WHERE path LIKE @q ESCAPE '\\')
        WHERE dir LIKE @q ESCAPE '\\' GROUP BY dir ORDER BY files DESC, dir LIMIT @limit`,
    )
    .all({ q: likeAnywhere(text), limit }) as { path: string; files: number }[];
}
