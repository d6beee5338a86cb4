// Integration tests (engine/backup, engine/doctor): real photos, real models, a real SQLite file and HNSW index.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { exportBackup } from '../../src/engine/backup/export.js';
import { readBackup, restoreBackup } from '../../src/engine/backup/restore.js';
import { runDoctor } from '../../src/engine/doctor/doctor.js';
import { Engine } from '../../src/engine/api/engine.js';
import { indexPathFor } from '../../src/engine/index/hnsw.js';
import { thumbPath, thumbsDir } from '../../src/engine/library/thumbs.js';
import { undo } from '../../src/engine/store/history.js';
import { confirm, createPerson, reject, rename } from '../../src/engine/people/ops.js';
import { openDb } from '../../src/engine/store/db.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessData('fixtures', 'wild');

/** A folder of a few real photos (copied into the test's temp dir, never into the repository). */
function photoFolder(root: string): string {
  const dir = join(root, 'photos');
  mkdirSync(dir, { recursive: true });
  for (const person of ['person01', 'person02', 'person03']) {
    const src = dataPath('fixtures', 'wild', person)!;
    for (const name of readdirSync(src).slice(0, 3)) copyFileSync(join(src, name), join(dir, `${person}-${name}`));
  }
  return dir;
}

async function importInto(dbPath: string, folder: string): Promise<void> {
  const engine = Engine.open(dbPath);
  try {
    await engine.library.importFolders([folder]);
  } finally {
    await engine.close();
  }
}

const count = (db: ReturnType<typeof openDb>, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

describe('backup: export and import-backup', { skip }, () => {
  const root = skip ? '' : tempDir();
  let folder: string;
  before(() => {
    folder = photoFolder(root);
  });

  test('names, user assignments and rejections survive a rebuild of the library from the same photos', async () => {
    const first = join(root, 'a', 'library.db');
    await importInto(first, folder);
    const db = openDb(first);
    const faces = db
      .prepare('SELECT f.id, fi.path FROM faces f JOIN files fi ON fi.photo_id = f.photo_id ORDER BY f.id')
      .all() as { id: number; path: string }[];
    const of = (p: string) => faces.filter((f) => f.path.includes(p)).map((f) => f.id);
    assert.ok(of('person01').length >= 2 && of('person02').length >= 2, 'faces found in the fixture photos');
    // The import gave the faces to groups already ([Note: people as faces arrive]); Alice is the user's own.
    const groups = count(db, 'SELECT count(*) AS n FROM people');
    const alice = createPerson(db);
    rename(db, alice, 'Alice');
    confirm(db, alice, of('person01'));
    reject(db, alice, of('person02').slice(0, 1));
    const backupFile = join(root, 'backup.json');
    const summary = exportBackup(db, backupFile);
    assert.equal(summary.people, groups + 1);
    assert.equal(summary.rejections, 1);
    db.close();

    const second = join(root, 'b', 'library.db');
    await importInto(second, folder);
    const db2 = openDb(second);
    const s = restoreBackup(db2, readBackup(backupFile), { dbPath: second });
    assert.ok(s.peopleCreated >= 1, `${s.peopleCreated} people created`);
    assert.equal(s.facesUnmatched, 0);
    assert.equal(s.assignments, summary.assignments, "every assignment of the backup, the user's and the groups'");
    assert.equal(s.rejections, 1);
    const named = db2.prepare("SELECT id FROM people WHERE name = 'Alice'").get() as { id: number };
    const placed = db2
      .prepare(
        `SELECT fi.path FROM face_people fp JOIN faces f ON f.id = fp.face_id JOIN files fi ON fi.photo_id = f.photo_id WHERE fp.person_id = ? AND fp.source = 'user'`,
      )
      .all(named.id) as { path: string }[];
    assert.equal(placed.length, of('person01').length);
    assert.ok(placed.every((p) => p.path.includes('person01')));
    const rejected = db2
      .prepare(
        'SELECT fi.path FROM face_rejections r JOIN faces f ON f.id = r.face_id JOIN files fi ON fi.photo_id = f.photo_id WHERE r.person_id = ?',
      )
      .all(named.id) as { path: string }[];
    assert.deepEqual(
      rejected.map((r) => r.path.includes('person02')),
      [true],
    );

    // The whole restore is one undoable step.
    undo(db2);
    assert.equal(count(db2, "SELECT count(*) AS n FROM people WHERE name = 'Alice'"), 0);
    assert.equal(count(db2, 'SELECT count(*) AS n FROM face_rejections'), 0);
    db2.close();
  });

  test('a file that is not a backup is refused with a reason', () => {
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'facelens-backup', version: 1, people: 'nope' }));
    assert.throws(() => readBackup(bad), /not a Facelens backup.*(createdAt|people)/);
    writeFileSync(bad, '{ truncated');
    assert.throws(() => readBackup(bad), /not a readable Facelens backup/);
  });
});

describe('doctor', { skip }, () => {
  test('finds what a test broke on purpose, repairs it, and then finds nothing', async () => {
    const root = tempDir();
    const folder = photoFolder(root);
    const dbPath = join(root, 'lib', 'library.db');
    await importInto(dbPath, folder);

    let db = openDb(dbPath);
    const healthy = await runDoctor(db, dbPath);
    assert.deepEqual(
      healthy.problems.map((p) => p.code),
      [],
    );
    assert.equal(healthy.ok, true);

    const facesBefore = count(db, 'SELECT count(*) AS n FROM faces');
    // Break it: a vanished photo file, and on other photos (face ids follow the order the import's workers finish
    // in, so any face could be the vanished photo's, whose repair deletes it) lost embeddings, a stale index, a
    // lost thumbnail, a stray thumbnail.
    const victim = readdirSync(folder).find((n) => n.startsWith('person03'))!;
    const victimFaces = count(
      db,
      `SELECT count(*) AS n FROM faces f JOIN files fi ON fi.photo_id = f.photo_id WHERE fi.path LIKE '%${victim}'`,
    );
    const faces = db
      .prepare(
        `SELECT f.id FROM faces f JOIN files fi ON fi.photo_id = f.photo_id WHERE fi.path NOT LIKE '%${victim}' ORDER BY f.id`,
      )
      .all() as { id: number }[];
    assert.equal(faces.length, facesBefore - victimFaces);
    rmSync(join(folder, victim));
    db.prepare('DELETE FROM embeddings WHERE face_id IN (?, ?)').run(faces[0]!.id, faces[1]!.id);
    rmSync(indexPathFor(dbPath));
    rmSync(thumbPath(dbPath, faces[2]!.id));
    mkdirSync(join(thumbsDir(dbPath), 'ff'), { recursive: true });
    writeFileSync(join(thumbsDir(dbPath), 'ff', '999999.jpg'), 'stray');

    const found = await runDoctor(db, dbPath);
    assert.equal(found.ok, false);
    const codes = found.problems.map((p) => p.code).sort();
    assert.deepEqual(codes, ['embeddings', 'index', 'missing-files', 'missing-thumbs', 'orphan-thumbs']);
    assert.equal(found.problems.find((p) => p.code === 'embeddings')!.count, 2);
    assert.ok(found.problems.every((p) => !p.repaired));

    const fixed = await runDoctor(db, dbPath, { repair: true });
    assert.equal(fixed.ok, true, JSON.stringify(fixed.problems));
    assert.ok(existsSync(indexPathFor(dbPath)));
    assert.ok(existsSync(thumbPath(dbPath, faces[2]!.id)));
    assert.equal(count(db, 'SELECT count(*) AS n FROM faces'), facesBefore - victimFaces);
    assert.equal(count(db, "SELECT count(*) AS n FROM failures WHERE code = 'vanished'"), 1);
    db.close();

    db = openDb(dbPath);
    const again = await runDoctor(db, dbPath);
    assert.deepEqual(
      again.problems.map((p) => p.code),
      [],
    );
    // The repaired index agrees with the database: every face finds itself as its own nearest neighbour.
    db.close();
    const engine = Engine.open(dbPath);
    try {
      assert.equal(engine.index().openedBecause, 'loaded');
      assert.equal(engine.library.stats().indexSize, facesBefore - victimFaces);
    } finally {
      await engine.close();
    }
  });

  test('an unreachable folder is reported, and its photos are never forgotten', async () => {
    const root = tempDir();
    const folder = photoFolder(root);
    const dbPath = join(root, 'lib', 'library.db');
    await importInto(dbPath, folder);
    rmSync(folder, { recursive: true });
    const db = openDb(dbPath);
    const photos = count(db, 'SELECT count(*) AS n FROM photos');
    const r = await runDoctor(db, dbPath, { repair: true });
    assert.deepEqual(
      r.problems.map((p) => p.code),
      ['folder-unreachable'],
    );
    assert.equal(count(db, 'SELECT count(*) AS n FROM photos'), photos);
    db.close();
  });
});
