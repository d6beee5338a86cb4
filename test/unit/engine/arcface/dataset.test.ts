// Unit tests (engine/arcface): the seeded held-out split, packing features, and the library's named people as training data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { pack, peopleDataset, splitHoldout } from '../../../../src/engine/arcface/dataset.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { FaceStore } from '../../../../src/engine/store/faces.js';
import { tempDir } from '../../../helpers/tmp.js';

test('the split holds out round(holdout·n) of each identity, keeps one on each side, and depends only on the seed', () => {
  const labels = [...Array(10).fill(0), ...Array(3).fill(1), ...Array(2).fill(2)] as number[];
  const a = splitHoldout(labels, 0.5, 7);
  const count = (idx: number[], l: number) => idx.filter((i) => labels[i] === l).length;
  assert.deepEqual([count(a.test, 0), count(a.test, 1), count(a.test, 2)], [5, 2, 1]);
  assert.deepEqual([count(a.train, 0), count(a.train, 1), count(a.train, 2)], [5, 1, 1]);
  assert.equal(new Set([...a.train, ...a.test]).size, labels.length);
  assert.deepEqual(splitHoldout(labels, 0.5, 7), a);
  assert.notDeepEqual(splitHoldout(labels, 0.5, 8).test, a.test);
  assert.equal(splitHoldout(labels, 0, 1).test.length, 0);
  assert.throws(() => splitHoldout(labels, 1, 1), /holdout/);
});

test('pack lays rows out back to back', () => {
  const f = [Float32Array.from([1, 2]), Float32Array.from([3, 4]), Float32Array.from([5, 6])];
  assert.deepEqual(pack(f, [2, 0], 2), Float32Array.from([5, 6, 1, 2]));
});

test('the people named in the library are a training set; unnamed, hidden and one-face people are left out', () => {
  const db = openDb(join(tempDir(), 'lib.db'));
  const faces = new FaceStore(db);
  db.prepare("INSERT INTO photos (id, hash, status) VALUES (1, 'h', 'done')").run();
  const person = db.prepare('INSERT INTO people (name, hidden, created_at) VALUES (?, ?, 0)');
  const ann = Number(person.run('Ann', 0).lastInsertRowid);
  const bob = Number(person.run('Bob', 0).lastInsertRowid);
  const anon = Number(person.run(null, 0).lastInsertRowid);
  const hid = Number(person.run('Hidden', 1).lastInsertRowid);
  const solo = Number(person.run('Solo', 0).lastInsertRowid);
  const place = db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'user', 0)");
  const add = (pid: number, v: number) => {
    const f = new Float32Array(512).fill(v);
    place.run(
      faces.insertFace(1, {
        box: { x: 0, y: 0, w: 1, h: 1 },
        score: 1,
        landmarks: new Float32Array(10),
        feature: f,
        quality: 1,
      }),
      pid,
    );
  };
  for (const [pid, n] of [
    [ann, 3],
    [bob, 2],
    [anon, 4],
    [hid, 3],
    [solo, 1],
  ] as const)
    for (let i = 0; i < n; i++) add(pid, pid + i / 10);
  const ds = peopleDataset(db);
  assert.deepEqual(ds.identities, ['Ann', 'Bob']);
  assert.deepEqual(ds.labels, [0, 0, 0, 1, 1]);
  assert.equal(ds.features[3]![0], bob);
  assert.ok(ds.failures.some((f) => f.file === 'Solo' && /1 usable face/.test(f.reason)));
  db.close();
});

test('the training set comes in content order: two libraries that numbered the same faces differently give the same set', () => {
  // Five faces of Ann and four of Bob over four photos; library B was imported in the opposite order, so every face
  // id differs (as when the import's workers finish in another order), and Bob was named first there.
  const faces = [
    { photo: 'p3', x: 40, who: 'Ann' },
    { photo: 'p1', x: 10, who: 'Ann' },
    { photo: 'p2', x: 5, who: 'Bob' },
    { photo: 'p1', x: 2, who: 'Ann' },
    { photo: 'p4', x: 7, who: 'Bob' },
    { photo: 'p2', x: 60, who: 'Ann' },
    { photo: 'p3', x: 1, who: 'Bob' },
    { photo: 'p4', x: 30, who: 'Ann' },
    { photo: 'p1', x: 50, who: 'Bob' },
  ];
  const library = (order: number[], names: string[]) => {
    const db = openDb(join(tempDir(), 'lib.db'));
    const store = new FaceStore(db);
    const person = new Map(
      names.map((n) => [
        n,
        Number(db.prepare('INSERT INTO people (name, created_at) VALUES (?, 0)').run(n).lastInsertRowid),
      ]),
    );
    const photo = new Map<string, number>();
    for (const i of order) {
      const f = faces[i]!;
      if (!photo.has(f.photo))
        photo.set(
          f.photo,
          Number(db.prepare("INSERT INTO photos (hash, status) VALUES (?, 'done')").run(f.photo).lastInsertRowid),
        );
      const id = store.insertFace(photo.get(f.photo)!, {
        box: { x: f.x, y: 0, w: 20, h: 20 },
        score: 1,
        landmarks: new Float32Array(10),
        feature: new Float32Array(512).fill(i + 1), // the face's own value: which face it is, in either library
        quality: 1,
      });
      db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'user', 0)").run(
        id,
        person.get(f.who)!,
      );
    }
    const ds = peopleDataset(db);
    db.close();
    return { identities: ds.identities, labels: ds.labels, faces: ds.features.map((v) => v[0]) };
  };
  const forward = faces.map((_, i) => i);
  const a = library(forward, ['Ann', 'Bob']);
  const b = library([...forward].reverse(), ['Bob', 'Ann']);
  assert.deepEqual(b, a);
  // by name, then photo hash, then box: Ann p1 x2, p1 x10, p2, p3, p4; Bob p1, p2, p3, p4
  assert.deepEqual(a.faces, [4, 2, 6, 1, 8, 9, 3, 7, 5]);
});
