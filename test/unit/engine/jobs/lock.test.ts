// Unit tests (engine/jobs): the job lock file: exclusive while its owner lives, taken over when the owner is gone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireLock, LockedError } from '../../../../src/engine/jobs/lock.js';
import { tempDir } from '../../../helpers/tmp.js';

test('a live owner keeps the lock; release frees it', () => {
  const path = join(tempDir(), 'lib.db.import.lock');
  const release = acquireLock(path);
  writeFileSync(path, String(process.ppid)); // pretend another live process holds it
  assert.throws(
    () => acquireLock(path),
    (e: LockedError) => e instanceof LockedError && e.pid === process.ppid,
  );
  release();
  assert.ok(!existsSync(path));
  acquireLock(path)();
});

test('a lock left by a dead process is taken over', () => {
  const path = join(tempDir(), 'lib.db.import.lock');
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  writeFileSync(path, dead.stdout.trim());
  const release = acquireLock(path);
  assert.ok(existsSync(path));
  release();
});
