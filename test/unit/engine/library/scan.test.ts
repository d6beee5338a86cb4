// Unit tests (engine/library): the scan phase sorts files into unchanged / to-do / still failing by path, size and mtime.
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanFolders } from '../../../../src/engine/library/scan.js';
import { thumbRegion } from '../../../../src/engine/library/thumbs.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { FolderStore } from '../../../../src/engine/store/folders.js';
import { PhotoStore } from '../../../../src/engine/store/photos.js';
import { tempDir } from '../../../helpers/tmp.js';

test('unchanged files and unchanged failures are skipped without reading; changed ones are to do', async () => {
  const root = tempDir();
  const db = openDb(join(tempDir(), 'lib.db'));
  const photos = new PhotoStore(db);
  const folder = new FolderStore(db).ensure(root);
  for (const f of ['same.jpg', 'touched.jpg', 'bad.jpg', 'new.jpg']) writeFileSync(join(root, f), f);
  const pid = photos.insertPhoto({
    hash: 'h',
    width: 1,
    height: 1,
    orientation: 1,
    status: 'done',
    faceCount: 0,
    processedAt: 0,
  });
  const stat = (f: string) => ({ size: f.length, mtimeMs: 1_600_000_000_000 });
  for (const f of ['same.jpg', 'touched.jpg', 'bad.jpg', 'new.jpg'])
    utimesSync(join(root, f), 1_600_000_000, 1_600_000_000);
  photos.upsertFile({
    folderId: folder.id,
    path: join(root, 'same.jpg'),
    ...stat('same.jpg'),
    photoId: pid,
    seenAt: 1,
  });
  photos.upsertFile({
    folderId: folder.id,
    path: join(root, 'touched.jpg'),
    ...stat('touched.jpg'),
    photoId: pid,
    seenAt: 1,
  });
  photos.recordFailure({
    folderId: folder.id,
    path: join(root, 'bad.jpg'),
    code: 'decode',
    reason: 'damaged',
    ...stat('bad.jpg'),
    at: 1,
  });
  utimesSync(join(root, 'touched.jpg'), 1_700_000_000, 1_700_000_000);

  const found: number[] = [];
  const r = await scanFolders(db, photos, [folder], 10, (n) => found.push(n));
  assert.deepEqual(r.todo.map((t) => t.path.slice(root.length + 1)).sort(), ['new.jpg', 'touched.jpg']);
  assert.equal(r.todo.find((t) => t.path.endsWith('touched.jpg'))!.known?.photo_id, pid);
  assert.deepEqual([r.unchanged, r.stillFailing, r.walkFailures], [1, 1, 0]);
  assert.equal(photos.file(join(root, 'same.jpg'))!.seen_at, 10, 'unchanged files are stamped as seen');
  assert.equal(photos.failure(join(root, 'bad.jpg'))!.at, 10);
  assert.equal(found.at(-1), 4);
  db.close();
});

test('a photo left pending is processed again', async () => {
  const root = tempDir();
  const db = openDb(join(tempDir(), 'lib.db'));
  const photos = new PhotoStore(db);
  const folder = new FolderStore(db).ensure(root);
  writeFileSync(join(root, 'p.jpg'), 'x');
  utimesSync(join(root, 'p.jpg'), 1_600_000_000, 1_600_000_000);
  const pid = photos.insertPhoto({
    hash: 'h',
    width: 1,
    height: 1,
    orientation: 1,
    status: 'pending',
    faceCount: 0,
    processedAt: 0,
  });
  photos.upsertFile({
    folderId: folder.id,
    path: join(root, 'p.jpg'),
    size: 1,
    mtimeMs: 1_600_000_000_000,
    photoId: pid,
    seenAt: 1,
  });
  const r = await scanFolders(db, photos, [folder], 10, () => undefined);
  assert.equal(r.todo.length, 1);
  db.close();
});

test('a thumbnail region is a square around the box, clamped inside the photo', () => {
  assert.deepEqual(thumbRegion({ x: 40, y: 40, w: 20, h: 20 }, 100, 100, 0.5), {
    left: 30,
    top: 30,
    width: 40,
    height: 40,
  });
  const edge = thumbRegion({ x: 0, y: 90, w: 30, h: 10 }, 100, 100, 0.5);
  assert.ok(
    edge.left >= 0 &&
      edge.top >= 0 &&
      edge.left + edge.width <= 100 &&
      edge.top + edge.height <= 100 &&
      edge.width === edge.height,
  );
  assert.deepEqual(
    thumbRegion({ x: 0, y: 0, w: 500, h: 500 }, 100, 60),
    { left: 40, top: 0, width: 60, height: 60 },
    'centred on the box, pushed inside',
  );
});
