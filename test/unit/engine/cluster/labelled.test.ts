// Unit tests (engine/cluster): which face of a truth photo carries its identity in eval-clusters, on a real SQLite library.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { labelledFaces } from '../../../../src/engine/cluster/evaluate.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { FaceStore } from '../../../../src/engine/store/faces.js';
import { FolderStore } from '../../../../src/engine/store/folders.js';
import { PhotoStore } from '../../../../src/engine/store/photos.js';
import { tempDir } from '../../../helpers/tmp.js';

test("a photo's identity goes to its largest face that passes the quality gate, else to its largest face", () => {
  const root = join(tempDir(), 'truth');
  const db = openDb(join(tempDir(), 'library.db'));
  const photos = new PhotoStore(db);
  const faces = new FaceStore(db);
  const folder = new FolderStore(db).ensure(root);
  let n = 0;
  /** A photo at root/<identity>/<name> with faces of these sides and qualities; returns their ids. */
  const photo = (identity: string, name: string, boxes: [side: number, quality: number | null][]): number[] => {
    const id = photos.insertPhoto({ hash: `h${n++}`, width: 500, height: 500, orientation: 1, status: 'done', faceCount: boxes.length, processedAt: 1 }); // prettier-ignore
    photos.upsertFile({ folderId: folder.id, path: join(root, identity, name), size: 1, mtimeMs: 1, photoId: id, seenAt: 1 }); // prettier-ignore
    return boxes.map(([side, quality]) =>
      faces.insertFace(id, {
        box: { x: 0, y: 0, w: side, h: side },
        score: 0.9,
        landmarks: new Float32Array(10),
        feature: new Float32Array(512).fill(0.01),
        quality,
      }),
    );
  };
  const [junk, subject] = photo('ann', 'a.jpg', [
    [200, 0.05],
    [80, 0.8],
  ]); // a dress boxed as a face, and Ann
  const [, bigGated] = photo('ann', 'b.jpg', [
    [50, 0.1],
    [150, 0.2],
  ]);
  const [unscored] = photo('bob', 'c.jpg', [
    [120, null],
    [60, 0.9],
  ]);
  const [clear] = photo('bob', 'd.jpg', [
    [90, 0.35],
    [100, 0.34],
  ]);
  photo('bob', 'e.jpg', []);
  // the same photo filed twice (a copy under another name): scored once, its faces counted once
  const { p } = db.prepare('SELECT photo_id AS p FROM faces WHERE id = ?').get(subject) as { p: number };
  photos.upsertFile({ folderId: folder.id, path: join(root, 'ann', 'a copy.jpg'), size: 1, mtimeMs: 1, photoId: p, seenAt: 1 }); // prettier-ignore

  const r = labelledFaces(db, root, 0.35);
  assert.equal(r.labelled.get(subject!), 'ann');
  assert.equal(r.labelled.has(junk!), false);
  assert.equal(r.labelled.get(bigGated!), 'ann', 'no face passes: the largest one is labelled');
  assert.equal(r.labelled.get(unscored!), 'bob', 'a face without a score counts as passing');
  assert.equal(r.labelled.get(clear!), 'bob', 'exactly at the gate passes');
  assert.equal(r.labelled.size, 4);
  assert.equal(r.photos, 6);
  assert.equal(r.missed, 1);
  assert.equal(r.faces, 8);

  // With the gate at 0 every face passes, and the largest face of each photo is labelled, as before.
  const all = labelledFaces(db, root, 0);
  assert.equal(all.labelled.get(junk!), 'ann');
  assert.equal(all.labelled.has(subject!), false);
  db.close();
});
