// Unit tests (engine/library): a photo file a door failed to send — looked at again and recorded as an import would, on a real SQLite library.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { recordServedFailure } from '../../../../src/engine/library/served.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { FolderStore } from '../../../../src/engine/store/folders.js';
import { PhotoStore } from '../../../../src/engine/store/photos.js';
import { tempDir } from '../../../helpers/tmp.js';

function library() {
  const dir = tempDir();
  const root = join(dir, 'photos');
  mkdirSync(root);
  const db = openDb(join(dir, 'lib', 'library.db'));
  const photos = new PhotoStore(db);
  const folder = new FolderStore(db).ensure(root);
  let n = 0;
  const add = (name: string) => {
    writeFileSync(join(root, name), name);
    const id = photos.insertPhoto({ hash: `h${n++}`, width: 1, height: 1, orientation: 1, status: 'done', faceCount: 0, processedAt: 1 }); // prettier-ignore
    photos.upsertFile({ folderId: folder.id, path: join(root, name), size: 1, mtimeMs: 1, photoId: id, seenAt: 1 });
    return id;
  };
  return { dir, root, db, photos, add };
}

test('a file that reads again is left alone', () => {
  const l = library();
  const id = l.add('a.jpg');
  assert.equal(recordServedFailure(l.db, id), 'ok');
  assert.equal(l.photos.filesOfPhoto(id).length, 1);
  assert.deepEqual(l.photos.failures(), []);
  l.db.close();
});

test('a file that is gone is forgotten and recorded as vanished; its photo stays for the next import to judge', () => {
  const l = library();
  const id = l.add('a.jpg');
  rmSync(join(l.root, 'a.jpg'));
  assert.equal(recordServedFailure(l.db, id, 42), 'vanished');
  assert.deepEqual(l.photos.filesOfPhoto(id), []);
  const [f] = l.photos.failures();
  assert.equal(f?.path, join(l.root, 'a.jpg'));
  assert.equal(f?.code, 'vanished');
  assert.equal(f?.size, null, 'no size: the next import tries it again');
  assert.match(f!.reason, /gone .*found while showing the photo/);
  assert.ok(l.photos.photo(id), 'the photo (faces, names) is kept');
  assert.equal(recordServedFailure(l.db, id), 'unknown', 'nothing left to look at');
  l.db.close();
});

test('a file replaced by a folder is recorded as unreadable', () => {
  const l = library();
  const id = l.add('a.jpg');
  rmSync(join(l.root, 'a.jpg'));
  mkdirSync(join(l.root, 'a.jpg'));
  assert.equal(recordServedFailure(l.db, id), 'unreadable');
  assert.equal(l.photos.failures()[0]?.code, 'unreadable');
  l.db.close();
});

test('an unreachable folder (an unplugged drive) records nothing', () => {
  const l = library();
  const id = l.add('a.jpg');
  renameSync(l.root, `${l.root}-unplugged`);
  assert.equal(recordServedFailure(l.db, id), 'unknown');
  assert.equal(l.photos.filesOfPhoto(id).length, 1);
  assert.deepEqual(l.photos.failures(), []);
  l.db.close();
});

test('one readable file of a photo is enough; odd ids record nothing', () => {
  const l = library();
  const id = l.add('a.jpg');
  writeFileSync(join(l.root, 'b.jpg'), 'b');
  l.photos.upsertFile({ folderId: 1, path: join(l.root, 'b.jpg'), size: 1, mtimeMs: 1, photoId: id, seenAt: 1 });
  rmSync(join(l.root, 'a.jpg'));
  assert.equal(recordServedFailure(l.db, id), 'ok');
  for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60, 999]) assert.equal(recordServedFailure(l.db, bad), 'unknown');
  assert.deepEqual(l.photos.failures(), []);
  l.db.close();
});
