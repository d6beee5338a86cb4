// Unit tests (engine/index): the HNSW face index against a real SQLite file: search, persistence, staleness and rebuilds.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaceIndex, indexOptions, indexPathFor, type IndexMeta } from '../../../../src/engine/index/hnsw.js';
import { openDb, type Db } from '../../../../src/engine/store/db.js';
import { FaceStore } from '../../../../src/engine/store/faces.js';
import { PhotoStore } from '../../../../src/engine/store/photos.js';
import { tempDir } from '../../../helpers/tmp.js';

/** Seeded unit vectors in a few clusters, like face embeddings of a few people. */
function unitVec(rand: () => number, centre?: Float32Array): Float32Array {
  const v = new Float32Array(512);
  let s = 0;
  for (let i = 0; i < 512; i++) {
    v[i] = (centre ? centre[i]! * 3 : 0) + (rand() - 0.5);
    s += v[i]! * v[i]!;
  }
  for (let i = 0; i < 512; i++) v[i]! /= Math.sqrt(s);
  return v;
}
function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

function library(n: number, seed = 1): { db: Db; path: string; faces: FaceStore; addFaces(m: number): number[] } {
  const dir = tempDir();
  const db = openDb(join(dir, 'library.db'));
  const faces = new FaceStore(db);
  const photos = new PhotoStore(db);
  const rand = rng(seed);
  const centres = Array.from({ length: 5 }, () => unitVec(rand));
  let k = 0;
  const addFaces = (m: number) =>
    db.transaction(() => {
      const ids: number[] = [];
      for (let i = 0; i < m; i++, k++) {
        const pid = photos.insertPhoto({
          hash: `h${seed}-${k}`,
          width: 1,
          height: 1,
          orientation: 1,
          status: 'done',
          faceCount: 1,
          processedAt: 0,
        });
        const vec = unitVec(rand, centres[k % 5]);
        const id = faces.insertFace(pid, {
          box: { x: 0, y: 0, w: 1, h: 1 },
          score: 1,
          landmarks: new Float32Array(10),
          feature: vec,
          quality: 1,
        });
        faces.putEmbedding(id, 1, vec);
        ids.push(id);
      }
      return ids;
    })();
  addFaces(n);
  return { db, path: indexPathFor(join(dir, 'library.db')), faces, addFaces };
}

function exactTop(faces: FaceStore, q: Float32Array, k: number, exclude: number): number[] {
  const all = [...faces.embeddings(1)]
    .filter((e) => e.faceId !== exclude)
    .map((e) => ({ id: e.faceId, s: e.vec.reduce((a, x, i) => a + x * q[i]!, 0) }));
  return all
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((e) => e.id);
}

test('search finds the exact nearest faces, most similar first, without the query face', () => {
  const { db, path, faces } = library(300);
  const ix = FaceIndex.open(db, path, 1);
  assert.equal(ix.openedBecause, 'missing');
  assert.equal(ix.size, 300);
  let hits = 0;
  for (const id of [1, 50, 123, 299]) {
    const q = faces.embedding(id)!.vec;
    const got = ix.search(q, 10, id);
    assert.equal(got.length, 10);
    assert.ok(!got.some((g) => g.faceId === id));
    for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.similarity >= got[i]!.similarity);
    const truth = new Set(exactTop(faces, q, 10, id));
    hits += got.filter((g) => truth.has(g.faceId)).length;
  }
  assert.ok(hits >= 38, `recall@10 ${hits}/40`);
  db.close();
});

test('queries search wider once the index holds largeFrom faces, and still find the nearest faces', () => {
  const { db, path, faces, addFaces } = library(40);
  const ix = FaceIndex.open(db, path, 1, { ef: 16, largeFrom: 50, largeEf: 48 });
  assert.equal(ix.searchEf, 16);
  for (const id of addFaces(20)) ix.add(id, faces.embedding(id)!.vec);
  assert.equal(ix.size, 60);
  assert.equal(ix.searchEf, 48);
  const q = faces.embedding(7)!.vec;
  const truth = new Set(exactTop(faces, q, 5, 7));
  assert.ok(ix.search(q, 5, 7).filter((g) => truth.has(g.faceId)).length >= 4);
  db.close();
});

test('a saved index is loaded as is; missing, corrupt or another head rebuilds it', () => {
  const { db, path } = library(50);
  FaceIndex.open(db, path, 1).save();
  assert.ok(existsSync(path) && existsSync(`${path}.json`));
  assert.equal(FaceIndex.open(db, path, 1).openedBecause, 'loaded');
  writeFileSync(path, 'garbage');
  const rebuilt = FaceIndex.open(db, path, 1);
  assert.equal(rebuilt.openedBecause, 'unreadable');
  assert.equal(rebuilt.size, 50);
  rebuilt.save();
  db.prepare("INSERT INTO heads (id, name, kind, created_at) VALUES (2, 'h2', 'trained', 0)").run();
  const other = FaceIndex.open(db, path, 2);
  assert.equal(other.openedBecause, 'other-head');
  assert.equal(other.size, 0, 'head 2 has no embeddings yet');
  writeFileSync(`${path}.json`, '{not json');
  assert.equal(FaceIndex.open(db, path, 1).openedBecause, 'unreadable');
  db.close();
});

test('an index saved with other build settings (efConstruction 100, the default until 2026-12-01) is rebuilt once', () => {
  const { db, path } = library(50);
  FaceIndex.open(db, path, 1, { efConstruction: 100 }).save();
  assert.equal(FaceIndex.open(db, path, 1, { efConstruction: 100 }).openedBecause, 'loaded');
  const now = FaceIndex.open(db, path, 1);
  assert.equal(now.openedBecause, 'params');
  assert.equal(now.size, 50);
  now.save();
  assert.equal(
    (JSON.parse(readFileSync(`${path}.json`, 'utf8')) as IndexMeta).efConstruction,
    indexOptions.efConstruction,
  );
  assert.equal(FaceIndex.open(db, path, 1).openedBecause, 'loaded');
  db.close();
});

test('faces added after the last save are caught up; a deletion it did not see forces a rebuild', () => {
  const { db, path, faces, addFaces } = library(40);
  FaceIndex.open(db, path, 1).save();
  const added = addFaces(7); // e.g. an import killed before it saved the index
  const ix = FaceIndex.open(db, path, 1);
  assert.equal(ix.openedBecause, 'caught-up');
  assert.equal(ix.size, 47);
  const q = faces.embedding(added[3]!)!.vec;
  assert.equal(ix.search(q, 1)[0]!.faceId, added[3]);
  ix.save();
  db.prepare('DELETE FROM photos WHERE id = (SELECT photo_id FROM faces WHERE id = 5)').run();
  const re = FaceIndex.open(db, path, 1);
  assert.equal(re.openedBecause, 'stale');
  assert.equal(re.size, 46);
  db.close();
});

test('incremental add and remove keep the index equal to the database, beyond its first capacity', () => {
  const { db, path, faces, addFaces } = library(10);
  const ix = FaceIndex.open(db, path, 1, { minCapacity: 16 });
  for (const id of addFaces(30)) ix.add(id, faces.embedding(id)!.vec); // grows past 16
  assert.equal(ix.size, 40);
  db.prepare('DELETE FROM photos WHERE id IN (SELECT photo_id FROM faces WHERE id IN (3, 40))').run();
  ix.remove(3);
  ix.remove(40);
  ix.remove(999); // unknown: ignored
  assert.equal(ix.size, 38);
  const q = faces.embedding(4)!.vec;
  assert.ok(!ix.search(q, 38).some((n) => n.faceId === 3 || n.faceId === 40), 'deleted faces never come back');
  assert.deepEqual(ix.fingerprint(), { ...faces.fingerprint(1), maxId: 40 });
  ix.save();
  assert.equal(FaceIndex.open(db, path, 1, { minCapacity: 16 }).openedBecause, 'loaded');
  // SQLite reuses the largest rowid after it is deleted: the revived label must be searchable again.
  const [reused] = addFaces(1);
  assert.equal(reused, 40);
  const again = FaceIndex.open(db, path, 1, { minCapacity: 16 });
  assert.equal(again.size, 39);
  assert.equal(again.search(faces.embedding(40)!.vec, 1)[0]!.faceId, 40);
  db.close();
});

test('knnGraph gives every face its nearest other faces as row indices', () => {
  const { db, path, faces } = library(60);
  const ix = FaceIndex.open(db, path, 1);
  const g = ix.knnGraph(5);
  assert.equal(g.n, 60);
  assert.equal(g.k, 5);
  assert.equal(g.ids.length, 60);
  let hits = 0;
  for (let i = 0; i < g.n; i++) {
    const row = Array.from(g.nbr.subarray(i * 5, i * 5 + 5));
    assert.ok(!row.includes(i) && !row.includes(-1));
    const truth = new Set(exactTop(faces, faces.embedding(g.ids[i]!)!.vec, 5, g.ids[i]!));
    hits += row.filter((r) => truth.has(g.ids[r]!)).length;
  }
  assert.ok(hits / 300 > 0.97, `recall ${hits}/300`);
  db.close();
});

/** Small shards, so a few hundred faces exercise the sharded paths (built on three worker threads). */
const SHARDED = { shardFaces: 40, maxShards: 3, buildWorkers: 3 };

function recall(ix: FaceIndex, faces: FaceStore, ids: number[], k: number): number {
  let hits = 0;
  for (const id of ids) {
    const q = faces.embedding(id)!.vec;
    const got = ix.search(q, k, id);
    assert.ok(!got.some((g) => g.faceId === id));
    for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.similarity >= got[i]!.similarity);
    const truth = new Set(exactTop(faces, q, k, id));
    hits += got.filter((g) => truth.has(g.faceId)).length;
  }
  return hits / (ids.length * k);
}

test('a large index is built as shards on worker threads, one file each, and searched as one', () => {
  const { db, path, faces } = library(150);
  const ix = FaceIndex.open(db, path, 1, SHARDED);
  assert.equal(ix.shardCount, 3);
  assert.equal(ix.size, 150);
  assert.ok(recall(ix, faces, [1, 17, 50, 99, 123, 150], 10) >= 0.95);
  ix.save();
  for (const f of [path, `${path}.1`, `${path}.2`]) assert.ok(existsSync(f), f);
  const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as IndexMeta;
  assert.equal(meta.format, 2);
  assert.deepEqual(meta.shards, faces.shardFingerprints(1, 3));
  assert.deepEqual({ count: meta.count, idSum: meta.idSum, maxId: meta.maxId }, faces.fingerprint(1));
  const again = FaceIndex.open(db, path, 1, SHARDED);
  assert.deepEqual(again.shardReasons, ['loaded', 'loaded', 'loaded']);
  assert.ok(recall(again, faces, [2, 60, 149], 10) >= 0.9);
  db.close();
});

test('each shard is checked on its own: a corrupt, a behind and a stale shard cost only themselves', () => {
  const { db, path, faces, addFaces } = library(150);
  FaceIndex.open(db, path, 1, SHARDED).save();
  writeFileSync(`${path}.1`, 'garbage');
  const a = FaceIndex.open(db, path, 1, SHARDED);
  assert.deepEqual(a.shardReasons, ['loaded', 'unreadable', 'loaded']);
  assert.equal(a.size, 150);
  assert.equal(a.search(faces.embedding(4)!.vec, 1)[0]!.faceId, 4, 'a face of the rebuilt shard is found');
  a.save();
  const added = addFaces(4); // ids 151..154: shards 1, 2, 0, 1
  db.prepare('DELETE FROM photos WHERE id = (SELECT photo_id FROM faces WHERE id = 8)').run(); // shard 2, unseen
  const b = FaceIndex.open(db, path, 1, SHARDED);
  assert.deepEqual(b.shardReasons, ['caught-up', 'caught-up', 'stale']);
  assert.equal(b.size, 153);
  for (const id of added) assert.equal(b.search(faces.embedding(id)!.vec, 1)[0]!.faceId, id);
  assert.ok(!b.search(faces.embedding(5)!.vec, 153).some((n) => n.faceId === 8));
  db.close();
});

test('a kill while shards are saved leaves them marked in the meta: those are rebuilt, the rest loads', () => {
  const { db, path } = library(150);
  FaceIndex.open(db, path, 1, SHARDED).save();
  const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as IndexMeta;
  meta.shards![2] = null; // what save() writes before it replaces shard 2's file
  writeFileSync(`${path}.json`, JSON.stringify(meta));
  const ix = FaceIndex.open(db, path, 1, SHARDED);
  assert.deepEqual(ix.shardReasons, ['loaded', 'loaded', 'unreadable']);
  assert.equal(ix.size, 150);
  db.close();
});

test('an index saved before shards (format 1, one file) still loads, and is saved in the new format', () => {
  const { db, path, faces } = library(60);
  const ix = FaceIndex.open(db, path, 1);
  ix.save();
  const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as IndexMeta;
  const { shards: _drop, ...rest } = meta;
  writeFileSync(`${path}.json`, JSON.stringify({ ...rest, format: 1 }));
  const old = FaceIndex.open(db, path, 1);
  assert.equal(old.openedBecause, 'loaded');
  assert.equal(old.size, 60);
  assert.ok(old.dirty, 'the meta is rewritten in format 2 on the next save');
  old.save();
  assert.deepEqual((JSON.parse(readFileSync(`${path}.json`, 'utf8')) as IndexMeta).shards, [faces.fingerprint(1)]);
  db.close();
});

test('a rebuild with fewer shards removes the files of the shards it no longer has', () => {
  const { db, path } = library(150);
  FaceIndex.open(db, path, 1, SHARDED).save();
  assert.ok(existsSync(`${path}.2`));
  FaceIndex.build(db, path, 1, { ...SHARDED, maxShards: 1 }).save();
  assert.ok(existsSync(path) && !existsSync(`${path}.1`) && !existsSync(`${path}.2`));
  assert.equal(FaceIndex.open(db, path, 1, { ...SHARDED, maxShards: 1 }).openedBecause, 'loaded');
  db.close();
});

test('an index in memory only may have shards too', () => {
  const { db, faces } = library(120);
  const ix = FaceIndex.open(db, undefined, 1, SHARDED);
  assert.equal(ix.shardCount, 3);
  assert.ok(recall(ix, faces, [3, 33, 111], 5) >= 0.9);
  assert.throws(() => ix.files(), /in-memory/);
  db.close();
});

test('a sharded index takes adds and removes in every shard, grows past its capacity, and closes', () => {
  const { db, path, faces, addFaces } = library(130);
  const ix = FaceIndex.open(db, path, 1, { ...SHARDED, minCapacity: 16, growth: 1.1 });
  assert.equal(ix.shardCount, 3);
  for (const id of addFaces(60)) ix.add(id, faces.embedding(id)!.vec); // each shard grows past its capacity
  db.prepare('DELETE FROM photos WHERE id IN (SELECT photo_id FROM faces WHERE id IN (3, 4, 5))').run();
  for (const id of [3, 4, 5, 9999]) ix.remove(id);
  assert.equal(ix.size, 187);
  assert.deepEqual(ix.fingerprint(), { ...faces.fingerprint(1), maxId: 190 });
  for (const id of [150, 171, 190]) assert.equal(ix.search(faces.embedding(id)!.vec, 1)[0]!.faceId, id);
  assert.ok(!ix.search(faces.embedding(6)!.vec, 187).some((n) => [3, 4, 5].includes(n.faceId)));
  ix.save();
  ix.close();
  assert.throws(() => ix.search(faces.embedding(6)!.vec, 1), /closed/);
  const again = FaceIndex.open(db, path, 1, SHARDED);
  assert.deepEqual(again.shardReasons, ['loaded', 'loaded', 'loaded']);
  assert.equal(again.size, 187);
  again.close();
  db.close();
});
