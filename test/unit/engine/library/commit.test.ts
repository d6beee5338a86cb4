// Unit tests (engine/library): a photo's commit joins a file to the photo of the same shot beside it only when its
// name, capture time, shape and face count all say so ([Note: one shot in two files]); a real SQLite file.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitPhoto } from '../../../../src/engine/library/commit.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { FaceStore, FEATURE_DIM } from '../../../../src/engine/store/faces.js';
import { FolderStore } from '../../../../src/engine/store/folders.js';
import { PhotoStore } from '../../../../src/engine/store/photos.js';
import type { FaceResult, Point } from '../../../../src/engine/vision/pipeline.js';
import { tempDir } from '../../../helpers/tmp.js';

test('a file joins the photo of the same shot beside it, and nothing else', () => {
  const root = tempDir();
  const db = openDb(join(tempDir(), 'lib.db'));
  const photos = new PhotoStore(db);
  const faces = new FaceStore(db);
  const folder = new FolderStore(db).ensure(root);
  let n = 0;
  const face = (): FaceResult => ({
    box: { x: 10, y: 10, w: 50, h: 60 },
    score: 0.99,
    landmarks: Array.from({ length: 5 }, (_, i) => [20 + i, 30 + i] as Point),
    feature: new Float32Array(FEATURE_DIM).fill(0.1),
    quality: 0.8,
  });
  /** Commits `name` (under root) as a new photo of that size and date, with `faceCount` faces; returns the result. */
  const commit = (name: string, width: number, height: number, takenAt: number | undefined, faceCount = 0) => {
    const found = Array.from({ length: faceCount }, face);
    return commitPhoto(
      db,
      photos,
      faces,
      { folderId: folder.id, path: join(root, name), ioPath: join(root, name), size: 100, mtimeMs: 1 },
      {
        hash: `h${++n}`,
        image: { width, height, orientation: 1, ...(takenAt !== undefined ? { takenAt } : {}) },
        size: 100,
        mtimeMs: 1,
      },
      found,
      found.map(() => new Float32Array(FEATURE_DIM).fill(1 / Math.sqrt(FEATURE_DIM))),
      1,
      1,
    );
  };
  const t = (day: number) => Date.UTC(2024, 5, day, 12);

  const heic = commit('IMG_1.HEIC', 4032, 3024, t(1), 2);
  assert.equal(heic.linked, false);
  const jpeg = commit('IMG_1.JPG', 2016, 1512, t(1), 2); // a smaller copy of the same shot
  assert.deepEqual(jpeg, { photoId: heic.photoId, faceIds: [], linked: true });
  assert.deepEqual(
    photos.filesOfPhoto(heic.photoId).map((f) => f.path),
    [join(root, 'IMG_1.HEIC'), join(root, 'IMG_1.JPG')],
  );
  assert.equal(faces.faceIdsOfPhoto(heic.photoId).length, 2, 'its faces stored once');

  const portrait = commit('IMG_2.heic', 3024, 4032, t(2));
  assert.equal(commit('IMG_2.jpg', 4032, 3024, t(2)).photoId, portrait.photoId, 'either way up');

  // What keeps two files two photos:
  commit('IMG_3.HEIC', 4032, 3024, t(3));
  assert.equal(commit('IMG_3.JPG', 3024, 3024, t(3)).linked, false, 'another shape (a square crop)');
  commit('IMG_4.HEIC', 4032, 3024, t(4));
  assert.equal(commit('IMG_4.JPG', 4032, 3024, t(5)).linked, false, 'another capture time');
  commit('IMG_5.HEIC', 4032, 3024, t(5));
  assert.equal(commit('IMG_5.JPG', 4032, 3024, undefined).linked, false, 'no capture time');
  commit('IMG_6.HEIC', 4032, 3024, t(6), 1);
  assert.equal(commit('IMG_6.JPG', 4032, 3024, t(6), 0).linked, false, 'another number of faces');
  commit('IMG_7.HEIC', 4032, 3024, t(7));
  assert.equal(commit('IMG_7.edit.JPG', 4032, 3024, t(7)).linked, false, 'another name');
  assert.equal(commit('IMG_7/IMG_7.JPG', 4032, 3024, t(7)).linked, false, 'another folder');
  assert.equal(photos.counts().photos, 13);
  db.close();
});
