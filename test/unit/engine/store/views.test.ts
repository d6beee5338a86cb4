// Test (unit, engine host): the unknown-faces page on a real SQLite file: best quality first, and read from the face order index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { unknownFaces, unknownFacesSql } from '../../../../src/engine/store/views.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { f32ToBlob } from '../../../../src/engine/store/blob.js';
import { tempDir } from '../../../helpers/tmp.js';

test('unknown faces come best quality first (no score last), split by the gate, read only indexes of the faces table', () => {
  const db = openDb(join(tempDir(), 'library.db'));
  db.prepare("INSERT INTO photos (id, hash, status, face_count) VALUES (1, 'h1', 'done', 0)").run();
  const insert = db.prepare(
    "INSERT INTO faces (photo_id, x, y, w, h, score, landmarks, feature, quality, source, created_at) VALUES (1, 0, 0, 10, 10, 0.9, ?, ?, ?, 'auto', 0)",
  );
  const blob = f32ToBlob(new Float32Array(512));
  const qualities = [0.5, null, 0.9, 0.1, 0.7, 0.29, 0.9];
  const ids = qualities.map((q) => Number(insert.run(f32ToBlob(new Float32Array(10)), blob, q).lastInsertRowid));
  // The fourth face (0.9) belongs to somebody: it is not unknown.
  db.prepare("INSERT INTO people (id, name, created_at) VALUES (1, 'Ada', 0)").run();
  db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, 1, 'user', 0)").run(ids[2]);

  const good = unknownFaces(db, { offset: 0, limit: 10, lowQuality: false }, 0.3);
  assert.deepEqual(
    good.items.map((f) => f.id),
    [ids[6], ids[4], ids[0], ids[1]],
  );
  assert.equal(good.total, 4);
  const low = unknownFaces(db, { offset: 0, limit: 10, lowQuality: true }, 0.3);
  assert.deepEqual(
    low.items.map((f) => f.id),
    [ids[5], ids[3]],
  );
  const page2 = unknownFaces(db, { offset: 2, limit: 1, lowQuality: false }, 0.3);
  assert.deepEqual(
    page2.items.map((f) => f.id),
    [ids[0]],
  );

  for (const lowQuality of [false, true]) {
    const sql = unknownFacesSql(lowQuality);
    const plan = (q: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('\n');
    const page = plan(sql.page, 0.3, 10, 0);
    assert.match(page, /faces_quality_order/, page);
    assert.doesNotMatch(page, /TEMP B-TREE/, page);
    const count = plan(sql.count, 0.3);
    assert.match(count, /SCAN f USING COVERING INDEX faces_(quality_order|id_quality)/, count);
  }
  db.close();
});
