// Test (unit, engine/store): migration 7 (a photo's date: EXIF, else its file's time) and the photo lists read from it, on real SQLite files.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, openDb, type Db } from '../../../../src/engine/store/db.js';
import { MIGRATIONS } from '../../../../src/engine/store/migrations/index.js';
import { f32ToBlob } from '../../../../src/engine/store/blob.js';
import { PhotoStore } from '../../../../src/engine/store/photos.js';
import {
  faceSource,
  foldersNamed,
  peopleNamed,
  photo,
  photoAround,
  photoMonths,
  photoListSql,
  photoPage,
} from '../../../../src/engine/store/views.js';
import { tempDir } from '../../../helpers/tmp.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2021, 5, 15, 12); // mid-June 2021: far from a month's edge in any time zone

test('migration 7 dates existing photos from EXIF, else their oldest file, and leaves photos with no file undated', () => {
  // A library as every version before this change left it: migrated to 6 only.
  const raw = new Database(join(tempDir(), 'v6.db'));
  raw.pragma('foreign_keys = ON');
  migrate(raw, MIGRATIONS.slice(0, 6));
  raw.exec(`
    INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 0);
    INSERT INTO photos (id, hash, taken_at, status) VALUES (1, 'a', ${T0}, 'done'), (2, 'b', NULL, 'done'), (3, 'c', NULL, 'done');
    INSERT INTO files (folder_id, path, size, mtime_ms, photo_id, seen_at) VALUES
      (1, '/p/a.jpg', 1, ${T0 + DAY}, 1, 0), (1, '/p/b2.jpg', 1, ${T0 + 9 * DAY}, 2, 0), (1, '/p/b1.jpg', 1, ${T0 + 2 * DAY}, 2, 0);
  `);
  // b2 was recorded first (lower id): the photo's date is its oldest file row's time, not the smallest mtime.
  migrate(raw);
  const rows = raw.prepare('SELECT id, date_at, date_source FROM photos ORDER BY id').all();
  assert.deepEqual(rows, [
    { id: 1, date_at: T0, date_source: 'exif' },
    { id: 2, date_at: T0 + 9 * DAY, date_source: 'file' },
    { id: 3, date_at: null, date_source: null },
  ]);
  raw.close();
});

test('new photos get their date once: EXIF when the import read one, else the first file that shows them', () => {
  const db = openDb(join(tempDir(), 'lib.db'));
  const photos = new PhotoStore(db);
  db.prepare("INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 0)").run();
  const base = { width: 10, height: 10, orientation: 1, status: 'done' as const, faceCount: 0, processedAt: 0 };
  const file = (path: string, mtimeMs: number, photoId: number | null) =>
    photos.upsertFile({ folderId: 1, path, size: 1, mtimeMs, photoId, seenAt: 0 });
  const withExif = photos.insertPhoto({ ...base, hash: 'x', takenAt: T0 });
  file('/p/x.jpg', T0 + 5 * DAY, withExif);
  const noExif = photos.insertPhoto({ ...base, hash: 'y' });
  file('/p/y.jpg', T0 + 3 * DAY, noExif);
  file('/p/copy-of-y.jpg', T0 + 30 * DAY, noExif); // a later copy does not move the photo in time
  const late = photos.insertPhoto({ ...base, hash: 'z' });
  file('/p/z.jpg', T0, null); // a file known before its photo (upsert later points it there)
  file('/p/z.jpg', T0 + 7 * DAY, late);
  const date = (id: number) => db.prepare('SELECT date_at, date_source FROM photos WHERE id = ?').get(id);
  assert.deepEqual(date(withExif), { date_at: T0, date_source: 'exif' });
  assert.deepEqual(date(noExif), { date_at: T0 + 3 * DAY, date_source: 'file' });
  assert.deepEqual(date(late), { date_at: T0 + 7 * DAY, date_source: 'file' });
  const p = photo(db, noExif, 0.3)!;
  assert.equal(p.date, T0 + 3 * DAY);
  assert.equal(p.dateSource, 'file');
  assert.deepEqual(p.files, ['/p/y.jpg', '/p/copy-of-y.jpg']);
  db.close();
});

/** A library of `n` photos one day apart (photo i on T0 + i days), faces of people 1 (Ada), 2 (Ben), 3 (Cy). */
function library(db: Db, n: number, peopleOf: (i: number) => number[]): void {
  const feature = f32ToBlob(new Float32Array(512));
  const lm = f32ToBlob(new Float32Array(10));
  db.exec(`INSERT INTO folders (id, path, added_at) VALUES (1, '/lib', 0);
           INSERT INTO people (id, name, created_at) VALUES (1, 'Ada Lovelace', 0), (2, 'Ben', 0), (3, 'Cy', 0);`);
  const ph = db.prepare("INSERT INTO photos (id, hash, taken_at, status) VALUES (?, ?, ?, 'done')");
  const fi = db.prepare(
    'INSERT INTO files (folder_id, path, size, mtime_ms, photo_id, seen_at) VALUES (1, ?, 1, 0, ?, 0)',
  );
  const fa = db.prepare(
    'INSERT INTO faces (photo_id, x, y, w, h, score, landmarks, feature, quality, created_at) VALUES (?, ?, 0, 10, 10, 0.9, ?, ?, 0.9, 0)',
  );
  const fp = db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'auto', 0)");
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      ph.run(i, `h${i}`, T0 + i * DAY);
      fi.run(`/lib/${i % 2 ? 'odd' : 'even'}/${i}.jpg`, i);
      peopleOf(i).forEach((person, k) => fp.run(Number(fa.run(i, k * 20, lm, feature).lastInsertRowid), person));
    }
  })();
}

test('photo lists: newest first, a person, people together, a folder, a date range; months and ranks agree', () => {
  const db = openDb(join(tempDir(), 'lib.db'));
  // Ada in every photo; Ben in every third; Cy in every fifth.
  library(db, 40, (i) => [1, ...(i % 3 === 0 ? [2] : []), ...(i % 5 === 0 ? [3] : [])]);
  const ids = (f: Parameters<typeof photoPage>[1], offset = 0, limit = 100) =>
    photoPage(db, f, offset, limit).items.map((p) => p.id);
  const all = ids({});
  assert.deepEqual(
    all,
    Array.from({ length: 40 }, (_, k) => 40 - k),
    'newest first',
  );
  assert.deepEqual(ids({}, 10, 3), [30, 29, 28], 'a page anywhere');
  assert.deepEqual(ids({ personIds: [2] }), [39, 36, 33, 30, 27, 24, 21, 18, 15, 12, 9, 6, 3]);
  assert.deepEqual(ids({ personIds: [2, 3] }), [30, 15], 'Ben and Cy together: only photos with both');
  assert.deepEqual(ids({ personIds: [1, 2, 3] }), [30, 15]);
  assert.deepEqual(ids({ personIds: [2, 2, 3] }), [30, 15], 'a person named twice is one person');
  assert.deepEqual(ids({ folder: '/lib/odd', personIds: [3] }), [35, 25, 15, 5]);
  assert.deepEqual(ids({ folder: '/lib/od' }), [], 'a folder is a whole path segment');
  assert.deepEqual(ids({ from: T0 + 10 * DAY, to: T0 + 13 * DAY }), [12, 11, 10], 'from inclusive, to exclusive');
  const page = photoPage(db, { personIds: [3] }, 0, 2);
  assert.equal(page.total, 8);
  assert.equal(page.items[0]!.faces, 2, 'photo 40 shows Ada and Cy: two faces');

  const months = photoMonths(db, {});
  assert.equal(
    months.reduce((s, m) => s + m.count, 0),
    40,
  );
  assert.deepEqual(
    months.map((m) => m.key),
    [...months.map((m) => m.key)].sort().reverse(),
    'newest month first',
  );
  assert.match(months[0]!.key, /^2021-0[78]$/);

  const around = photoAround(db, { personIds: [2] }, 33);
  assert.deepEqual(around, { index: 2, total: 13, prev: 36, next: 30 });
  assert.deepEqual(photoAround(db, { personIds: [2] }, 39), { index: 0, total: 13, prev: null, next: 36 });
  assert.deepEqual(photoAround(db, { personIds: [2] }, 3), { index: 12, total: 13, prev: 6, next: null });
  assert.equal(photoAround(db, { personIds: [2] }, 1).index, null, 'photo 1 is not in Ben’s list');
  // Equal dates fall back to the id, the same way in the page and in the rank.
  db.prepare('UPDATE photos SET date_at = ? WHERE id IN (20, 21, 22)').run(T0);
  const tail = ids({}).slice(-3);
  assert.deepEqual(tail, [22, 21, 20]);
  assert.deepEqual(photoAround(db, {}, 21), { index: 38, total: 40, prev: 22, next: 20 });
  db.close();
});

test('the timeline page and its count read the date index, never sort the library', () => {
  const db = openDb(join(tempDir(), 'lib.db'));
  library(db, 5, () => [1]);
  const plan = (q: string, ...args: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('\n');
  const sql = photoListSql({});
  const page = plan(sql.page, 200, 50_000);
  assert.match(page, /photos_date/, page);
  assert.doesNotMatch(page, /TEMP B-TREE/, page);
  const count = plan(sql.count);
  assert.match(count, /COVERING INDEX photos_date/, count);
  db.close();
});

test('search reads: people by part of their name, folders by part of their path, the file of a face', () => {
  const db = openDb(join(tempDir(), 'lib.db'));
  library(db, 6, (i) => (i % 2 ? [1] : [1, 2]));
  assert.deepEqual(
    peopleNamed(db, 'love', 10).map((p) => p.name),
    ['Ada Lovelace'],
  );
  assert.deepEqual(
    peopleNamed(db, 'LOVE', 10).map((p) => p.name),
    ['Ada Lovelace'],
    'case does not matter',
  );
  assert.deepEqual(peopleNamed(db, '%', 10), [], 'LIKE wildcards are taken literally');
  assert.deepEqual(peopleNamed(db, 'Cy', 10), [], 'a person with no face is not found');
  assert.deepEqual(foldersNamed(db, 'od', 10), [{ path: '/lib/odd', files: 3 }]);
  const f = db.prepare('SELECT id FROM faces WHERE photo_id = 4 LIMIT 1').get() as { id: number };
  assert.deepEqual(faceSource(db, f.id), { photoId: 4, path: '/lib/even/4.jpg' });
  assert.equal(faceSource(db, 999_999), undefined);
  db.close();
});

test('month counts agree with counting every row by strftime: all photos, a person’s, undated ones, a far-off year', () => {
  const db = openDb(join(tempDir(), 'lib.db'));
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  library(db, 600, (i) => (i % 4 === 0 ? [1, 2] : [1]));
  const set = db.prepare('UPDATE photos SET date_at = ? WHERE id = ?');
  for (let i = 1; i <= 600; i++) set.run(i <= 8 ? null : Math.round(T0 - rand() * 5 * 365 * DAY), i);
  const reference = (people: number[]) =>
    db
      .prepare(
        `SELECT CASE WHEN date_at IS NULL THEN 'undated' ELSE strftime('%Y-%m', date_at / 1000, 'unixepoch', 'localtime') END AS key,
                count(*) AS count FROM photos p WHERE status = 'done' ${
                  people.length
                    ? `AND id IN (SELECT fa.photo_id FROM faces fa JOIN face_people fp ON fp.face_id = fa.id WHERE fp.person_id = ${people[0]})`
                    : ''
                } GROUP BY key ORDER BY key = 'undated', key DESC`,
      )
      .all();
  const all = photoMonths(db, {});
  assert.ok(all.length > 40, `${all.length} months`);
  assert.deepEqual(all, reference([]));
  assert.deepEqual(photoMonths(db, { personIds: [2] }), reference([2]));
  set.run(Date.UTC(2900, 0, 1), 100); // a bogus EXIF year: 10,000 months of nothing are not counted one by one
  assert.deepEqual(photoMonths(db, {}), reference([]));
  assert.equal(photoMonths(db, {})[0]!.key, '2900-01');
  db.close();
});
