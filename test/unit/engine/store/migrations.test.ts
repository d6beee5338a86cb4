// Unit tests (engine/store): numbered migrations, user_version, refusal of newer databases.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkMigrations, migrate, NewerDatabaseError, openDb } from '../../../../src/engine/store/db.js';
import { MIGRATIONS } from '../../../../src/engine/store/migrations/index.js';
import { tempDir } from '../../../helpers/tmp.js';

test('a new library is migrated to the latest version with the identity head active', () => {
  const db = openDb(join(tempDir(), 'lib.db'));
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  const head = db.prepare('SELECT id, kind FROM heads WHERE active = 1').get() as { id: number; kind: string };
  assert.deepEqual(head, { id: 1, kind: 'identity' });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('reopening runs nothing twice', () => {
  const path = join(tempDir(), 'lib.db');
  openDb(path).close();
  const db = openDb(path);
  assert.equal((db.prepare('SELECT count(*) AS n FROM heads').get() as { n: number }).n, 1);
  db.close();
});

test('a database from a newer Facelens is refused, not touched', () => {
  const path = join(tempDir(), 'lib.db');
  const db = openDb(path);
  db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
  assert.throws(() => migrate(db), NewerDatabaseError);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length + 5);
  db.close();
});

test('the registry must be strictly increasing from 1', () => {
  assert.doesNotThrow(() => checkMigrations(MIGRATIONS));
  assert.throws(() => checkMigrations([{ version: 2, name: 'x', up: () => {} }]), /expected 1/);
});

test('a failing migration leaves the database at its old version', () => {
  const db = openDb(':memory:');
  const broken = [
    ...MIGRATIONS,
    {
      version: MIGRATIONS.length + 1,
      name: 'broken',
      up: () => {
        throw new Error('boom');
      },
    },
  ];
  assert.throws(() => migrate(db, broken), /boom/);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  db.close();
});

test('migration 6 recomputes every stored quality from the feature norm', () => {
  // a library at version 5 with faces whose quality came from the previous score
  const path = join(tempDir(), 'v5.db');
  const raw = new Database(path);
  migrate(raw, MIGRATIONS.slice(0, 5));
  raw.exec(`INSERT INTO photos (id, hash) VALUES (1, 'a')`);
  const ins = raw.prepare(
    `INSERT INTO faces (photo_id, x, y, w, h, score, landmarks, feature, quality, created_at) VALUES (1, 0, 0, 10, 10, 0.9, ?, ?, ?, 0)`,
  );
  const feature = (norm: number) => Buffer.from(new Float32Array(512).fill(norm / Math.sqrt(512)).buffer);
  const lm = Buffer.from(new Float32Array(10).buffer);
  ins.run(lm, feature(1), 0.9); // a non-face the previous score liked
  ins.run(lm, feature(4), 0.1); // a clear face it did not
  ins.run(lm, feature(2.675), null); // no score before (an aligned crop)
  raw.close();
  const migrated = openDb(path); // runs 6 (and every later one)
  const q = (migrated.prepare('SELECT quality FROM faces ORDER BY id').all() as { quality: number }[]).map(
    (r) => r.quality,
  );
  assert.equal(q[0], 0);
  assert.equal(q[1], 1);
  assert.ok(Math.abs(q[2]! - 0.5) < 1e-6, `${q[2]}`);
  assert.equal(migrated.pragma('user_version', { simple: true }), MIGRATIONS.length);
  migrated.close();
});
