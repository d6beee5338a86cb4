// Unit tests (engine/store): numbered migrations, user_version, refusal of newer databases.
import assert from 'node:assert/strict';
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
