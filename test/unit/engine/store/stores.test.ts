// Unit tests (engine/store): photos/files/failures, faces/embeddings, folders and meta against a real SQLite file.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb, type Db } from '../../../../src/engine/store/db.js';
import { FaceStore, type NewFace } from '../../../../src/engine/store/faces.js';
import { FolderStore } from '../../../../src/engine/store/folders.js';
import { MetaStore } from '../../../../src/engine/store/meta.js';
import { PhotoStore } from '../../../../src/engine/store/photos.js';
import { ThumbJournal } from '../../../../src/engine/store/thumbs.js';
import { tempDir } from '../../../helpers/tmp.js';

function lib(): Db {
  return openDb(join(tempDir(), 'lib.db'));
}

function face(seed: number): NewFace {
  return {
    box: { x: seed, y: 2, w: 30, h: 40 },
    score: 0.9,
    landmarks: Float32Array.from({ length: 10 }, (_, i) => seed + i / 4),
    feature: Float32Array.from({ length: 512 }, (_, i) => Math.cos(seed * 7 + i)),
    quality: 0.5,
  };
}

function photo(photos: PhotoStore, hash: string): number {
  return photos.insertPhoto({
    hash,
    width: 10,
    height: 20,
    orientation: 6,
    takenAt: 123,
    status: 'done',
    faceCount: 1,
    processedAt: 1,
  });
}

test('a face and its embedding come back as stored', () => {
  const db = lib();
  const photos = new PhotoStore(db);
  const faces = new FaceStore(db);
  const pid = photo(photos, 'a');
  const f = face(3);
  const id = faces.insertFace(pid, f, 42);
  const vec = Float32Array.from({ length: 512 }, (_, i) => (i === 7 ? 1 : 0));
  faces.putEmbedding(id, 1, vec);
  const back = faces.face(id)!;
  assert.deepEqual(back.box, f.box);
  assert.deepEqual(Array.from(back.landmarks), Array.from(f.landmarks));
  assert.deepEqual(Array.from(back.feature), Array.from(f.feature));
  assert.equal(back.createdAt, 42);
  assert.equal(back.photoId, pid);
  assert.deepEqual(Array.from(faces.embedding(id)!.vec), Array.from(vec));
  assert.deepEqual(
    [...faces.embeddings(1)].map((e) => e.faceId),
    [id],
  );
  assert.deepEqual(faces.fingerprint(1), { count: 1, idSum: id, maxId: id });
  db.close();
});

test('malformed faces are refused before they reach the table', () => {
  const db = lib();
  const faces = new FaceStore(db);
  const pid = photo(new PhotoStore(db), 'a');
  assert.throws(() => faces.insertFace(pid, { ...face(1), feature: new Float32Array(128) }), /512/);
  assert.throws(() => faces.insertFace(pid, { ...face(1), landmarks: new Float32Array(4) }), /landmarks/);
  assert.throws(() => faces.putEmbedding(1, 1, new Float32Array(3)), /512/);
  db.close();
});

test('deleting a photo removes its faces and embeddings; files keep a null photo and orphans are found', () => {
  const db = lib();
  const photos = new PhotoStore(db);
  const faces = new FaceStore(db);
  const folder = new FolderStore(db).ensure('/pics');
  const a = photo(photos, 'a');
  const b = photo(photos, 'b');
  const fa = faces.insertFace(a, face(1));
  faces.putEmbedding(fa, 1, new Float32Array(512).fill(1 / Math.sqrt(512)));
  faces.insertFace(b, face(2));
  photos.upsertFile({ folderId: folder.id, path: '/pics/a.jpg', size: 1, mtimeMs: 2, photoId: a, seenAt: 5 });
  assert.deepEqual(photos.orphanPhotoIds(), [b]);
  photos.deletePhoto(a);
  assert.equal(faces.face(fa), undefined);
  assert.equal(faces.embedding(fa), undefined);
  assert.equal(photos.file('/pics/a.jpg')!.photo_id, null);
  assert.deepEqual(faces.counts(), { faces: 1, embeddings: 0 });
  db.close();
});

test('unseen files and failures are removed, except under folders that could not be listed', () => {
  const db = lib();
  const photos = new PhotoStore(db);
  const folder = new FolderStore(db).ensure('/pics');
  const p = photo(photos, 'x');
  for (const [path, seen] of [
    ['/pics/old.jpg', 1],
    ['/pics/locked/k.jpg', 1],
    ['/pics/new.jpg', 9],
    ['/pics/locked2.jpg', 1],
    ['/pics2/other.jpg', 1],
    ['/pics.jpg', 1],
  ] as const)
    photos.upsertFile({ folderId: folder.id, path, size: 1, mtimeMs: 1, photoId: p, seenAt: seen });
  const gone = photos.deleteUnseenFiles('/pics', 9, ['/pics/locked']);
  assert.deepEqual(
    gone.map((f) => f.path).sort(),
    ['/pics/locked2.jpg', '/pics/old.jpg'],
    'only under /pics/, and a kept prefix needs the separator',
  );
  photos.recordFailure({ folderId: folder.id, path: '/pics/bad.jpg', code: 'decode', reason: 'r', at: 1 });
  photos.recordFailure({ folderId: folder.id, path: '/pics/bad2.jpg', code: 'decode', reason: 'r', at: 9 });
  photos.recordFailure({ folderId: folder.id, path: '/pics', code: 'unreadable', reason: 'r', at: 1 });
  photos.recordFailure({ folderId: null, path: '/pics2/x.jpg', code: 'decode', reason: 'r', at: 1 });
  assert.equal(photos.deleteUnseenFailures('/pics/', 9), 2);
  assert.deepEqual(
    photos.failures().map((f) => f.path),
    ['/pics/bad2.jpg', '/pics2/x.jpg'],
  );
  db.close();
});

test('a failure is replaced, not duplicated, and cleared by path', () => {
  const db = lib();
  const photos = new PhotoStore(db);
  photos.recordFailure({
    folderId: null,
    path: '/x.jpg',
    code: 'empty',
    reason: 'zero bytes',
    size: 0,
    mtimeMs: 1,
    at: 1,
  });
  photos.recordFailure({
    folderId: null,
    path: '/x.jpg',
    code: 'decode',
    reason: 'damaged',
    size: 5,
    mtimeMs: 2,
    at: 2,
  });
  assert.deepEqual(
    photos.failures().map((f) => [f.code, f.size]),
    [['decode', 5]],
  );
  photos.clearFailure('/x.jpg');
  assert.equal(photos.counts().failures, 0);
  db.close();
});

test('folders are added once and meta holds text and JSON', () => {
  const db = lib();
  const folders = new FolderStore(db);
  const a = folders.ensure('/a', 10);
  assert.equal(folders.ensure('/a', 20).id, a.id);
  folders.markScanned(a.id, 30);
  assert.equal(folders.byPath('/a')!.last_scan_at, 30);
  const meta = new MetaStore(db);
  meta.setJson('k', { n: 1 });
  assert.deepEqual(meta.getJson('k'), { n: 1 });
  meta.set('k', 'not json');
  assert.equal(meta.getJson('k'), undefined);
  meta.delete('k');
  assert.equal(meta.get('k'), undefined);
  db.close();
});

test('the thumbnail journal lists faces until done, and forgets faces that are deleted', () => {
  const db = lib();
  const photos = new PhotoStore(db);
  const faces = new FaceStore(db);
  const journal = new ThumbJournal(db);
  const p = photo(photos, 'h-journal');
  const [a, b] = [faces.insertFace(p, face(1)), faces.insertFace(p, face(2))];
  journal.add([a, b]);
  journal.add([a]); // twice is once
  assert.deepEqual(
    journal.pending().map((f) => [f.id, f.photoId, f.box.x]),
    [
      [a, p, 1],
      [b, p, 2],
    ],
  );
  journal.done([a]);
  assert.deepEqual(
    journal.pending().map((f) => f.id),
    [b],
  );
  photos.deletePhoto(p); // faces cascade, and their journal rows with them
  assert.equal(journal.count(), 0);
  db.close();
});
