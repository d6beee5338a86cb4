// Unit tests (engine/arcface): labelled folder listing and the training feature cache (migration 3) in a real SQLite file.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { featuresOf, listLabelled, recognizerId } from '../../../../src/engine/arcface/features.js';
import { hashBytes } from '../../../../src/engine/image/hash.js';
import { f32ToBlob } from '../../../../src/engine/store/blob.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { PIPELINE_VERSION } from '../../../../src/engine/vision/pipeline.js';
import { tempDir } from '../../../helpers/tmp.js';

function tree() {
  const root = tempDir();
  for (const [p, body] of [
    ['ann/a.jpg', 'A1'],
    ['ann/sub/b.png', 'A2'],
    ['bob/c.jpg', 'B1'],
    ['bob/notes.txt', 'x'],
    ['loose.jpg', 'L'],
    ['.hidden/d.jpg', 'H'],
  ]) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), body!);
  }
  return root;
}

test('a labels folder is DIR/<person>/... at any depth; root files, dot folders and non-images are ignored', () => {
  const root = tree();
  const got = listLabelled(root).map((f) => [f.identity, f.path.slice(root.length + 1)]);
  assert.deepEqual(got, [
    ['ann', 'ann/a.jpg'],
    ['ann', 'ann/sub/b.png'],
    ['bob', 'bob/c.jpg'],
  ]);
  assert.throws(() => listLabelled(join(root, 'nope')), /the labels folder was not found/);
});

/** A library whose feature cache the test fills directly. */
function cacheDb() {
  const db = openDb(join(tempDir(), 'lib.db'));
  const put = db.prepare(
    'INSERT INTO train_features (hash, mode, flip, model, feature, reason, at) VALUES (?, ?, 0, ?, ?, ?, 0)',
  );
  return { db, put };
}

test('cached features (and cached failures) are read by content hash without opening the vision pipeline', async () => {
  const root = tree();
  const { db, put } = cacheDb();
  const f = new Float32Array(512).fill(0.25);
  put.run(hashBytes(Buffer.from('A1')), 'aligned', recognizerId(), f32ToBlob(f), null);
  put.run(hashBytes(Buffer.from('B1')), 'aligned', recognizerId(), null, 'no face found');
  put.run(hashBytes(Buffer.from('A2')), 'detect', recognizerId(), f32ToBlob(f), null); // other mode: not a hit for aligned
  const paths = [join(root, 'ann/a.jpg'), join(root, 'bob/c.jpg'), join(root, 'ann/missing.jpg')];
  const progress: number[] = [];
  const got = await featuresOf(db, paths, {
    aligned: true,
    pipeline: () => Promise.reject(new Error('the pipeline must not be opened')),
    onProgress: (_d, _t, cached) => progress.push(cached),
  });
  assert.deepEqual((got.get(paths[0]!) as { feature: Float32Array }).feature, f);
  assert.deepEqual(got.get(paths[1]!), { reason: 'no face found' });
  assert.match((got.get(paths[2]!) as { reason: string }).reason, /unreadable/);
  assert.deepEqual(progress, [1, 2]);
  await assert.rejects(
    featuresOf(db, [join(root, 'ann/sub/b.png')], {
      aligned: true,
      pipeline: () => Promise.reject(new Error('opened')),
    }),
    /opened/,
  );
  db.close();
});

test('whole-photo features cached by another pipeline version are computed again, and the old ones forgotten', async () => {
  const root = tree();
  const { db, put } = cacheDb();
  const f = new Float32Array(512).fill(0.25);
  const a1 = hashBytes(Buffer.from('A1'));
  put.run(a1, 'detect', recognizerId(), f32ToBlob(f), null); // before [Note: pipeline version]
  put.run(a1, 'detect', `${recognizerId()}+p1-00000000`, f32ToBlob(f), null); // an older pipeline
  put.run(a1, 'aligned', recognizerId(), f32ToBlob(f), null); // crops: the pipeline plays no part
  put.run(hashBytes(Buffer.from('B1')), 'detect', `${recognizerId()}+${PIPELINE_VERSION}`, null, 'no face found');
  const paths = [join(root, 'ann/a.jpg'), join(root, 'bob/c.jpg')];
  let opened = 0;
  const got = await featuresOf(db, paths, {
    aligned: false,
    pipeline: () => {
      opened++;
      return Promise.reject(new Error('the pipeline is needed'));
    },
  }).catch((err: Error) => err);
  assert.match(String(got), /the pipeline is needed/, "a.jpg was not taken from an old pipeline's cache");
  assert.equal(opened, 1);
  const rows = db.prepare('SELECT mode, model FROM train_features ORDER BY mode, model').all();
  assert.deepEqual(rows, [
    { mode: 'aligned', model: recognizerId() },
    { mode: 'detect', model: `${recognizerId()}+${PIPELINE_VERSION}` },
  ]);
  db.close();
});
