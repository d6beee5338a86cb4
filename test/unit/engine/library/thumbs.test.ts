// Test (unit): thumbnail files — written where thumbPath says, and written again after their folder went.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { thumbPath, writeThumbFile } from '../../../../src/engine/library/thumbs.js';
import { tempDir } from '../../../helpers/tmp.js';

test('a thumbnail lands in its folder, and still does after the folder was deleted under the importer', async () => {
  const db = join(tempDir(), 'library.db');
  const a = thumbPath(db, 7);
  await writeThumbFile(a, Uint8Array.of(1, 2, 3));
  assert.deepEqual([...readFileSync(a)], [1, 2, 3]);
  rmSync(dirname(dirname(a)), { recursive: true }); // the whole thumbs folder, as a user might
  const b = thumbPath(db, 7 + 256); // same shard folder
  assert.equal(dirname(b), dirname(a));
  await writeThumbFile(b, Uint8Array.of(4));
  assert.deepEqual([...readFileSync(b)], [4]);
});
