// Unit tests (engine/store, migration 2): people tables, their constraints, and the history triggers recording only inside an op.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { recordOp } from '../../../../src/engine/store/history.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { tempDir } from '../../../helpers/tmp.js';
import { insertFaces } from '../cluster/seed.js';

test('migration 2: people, assignments and rejections with their keys; triggers record only inside an op', () => {
  const db = openDb(join(tempDir(), 'lib.db'));
  const [f] = insertFaces(db, new Float32Array(512).fill(1 / Math.sqrt(512)), 512, [0]).faceIds;
  db.prepare('INSERT INTO people (id, name, created_at) VALUES (1, NULL, 0)').run();
  // outside an op nothing is recorded (clustering's own writes are recorded by recordOp when it wants them)
  db.prepare(`INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, 1, 'auto', 0)`).run(f);
  assert.equal((db.prepare('SELECT count(*) AS n FROM history_changes').get() as { n: number }).n, 0);
  // a face is in at most one person; the source is auto or user; a rejection is unique per face and person
  assert.throws(
    () => db.prepare(`INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, 1, 'auto', 0)`).run(f),
    /UNIQUE|PRIMARY/,
  );
  assert.throws(() => db.prepare(`UPDATE face_people SET source = 'maybe'`).run(), /CHECK/);
  db.prepare('INSERT INTO face_rejections (face_id, person_id, at) VALUES (?, 1, 0)').run(f);
  assert.throws(
    () => db.prepare('INSERT INTO face_rejections (face_id, person_id, at) VALUES (?, 1, 0)').run(f),
    /UNIQUE/,
  );
  // a person with faces cannot vanish under them
  assert.throws(() => db.prepare('DELETE FROM people WHERE id = 1').run(), /FOREIGN KEY/);
  // inside an op, every change is recorded with its before and after image
  recordOp(db, 'rename', 'Rename', () => db.prepare(`UPDATE people SET name = 'Ann' WHERE id = 1`).run());
  const ch = db.prepare('SELECT tbl, row_key, before, after FROM history_changes').all() as {
    tbl: string;
    row_key: number;
    before: string;
    after: string;
  }[];
  assert.equal(ch.length, 1);
  assert.equal(ch[0]!.tbl, 'people');
  assert.equal(JSON.parse(ch[0]!.before).name, null);
  assert.equal(JSON.parse(ch[0]!.after).name, 'Ann');
  assert.equal(db.prepare('SELECT 1 FROM history_recording').get(), undefined, 'recording left open');
  // deleting the face removes its assignment and rejections with it
  db.prepare('DELETE FROM faces WHERE id = ?').run(f);
  assert.equal((db.prepare('SELECT count(*) AS n FROM face_people').get() as { n: number }).n, 0);
  assert.equal((db.prepare('SELECT count(*) AS n FROM face_rejections').get() as { n: number }).n, 0);
  db.close();
});
