// Unit tests (engine/cluster): the clustering kNN graph from the saved HNSW index (real SQLite, real index files, worker threads).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { exactKnnGraph } from '../../../../src/engine/cluster/knn.js';
import { freshIndexFiles, knnFromIndex } from '../../../../src/engine/cluster/knn-index.js';
import { loadFaces } from '../../../../src/engine/cluster/load.js';
import { reclusterAsync } from '../../../../src/engine/cluster/recluster.js';
import { FaceIndex, indexPathFor, type IndexMeta } from '../../../../src/engine/index/hnsw.js';
import { syntheticFaces } from '../../../../src/engine/cluster/synthetic.js';
import { assignment, insertFaces, seedLibrary } from './seed.js';

const SHARDED = { shardFaces: 300, maxShards: 2, buildWorkers: 2 };

for (const shards of [1, 2]) {
  test(`${shards} shard(s): the graph from the index equals the exact one over the clustered faces only`, async () => {
    const s = syntheticFaces({ identities: 40, faces: 800, sameCos: 0.5, seed: 21, sameCosSpread: 0.3 });
    const { db } = seedLibrary({ identities: 1, faces: 0 });
    // Every 5th face is low quality: in the index, but not in the clustering (nor in anyone's neighbours).
    insertFaces(
      db,
      s.vectors,
      512,
      Int32Array.from({ length: 800 }, (_, i) => i),
      // the rest spread over the quality scale, so each row's quality-aware length differs
      (i) => (i % 5 === 0 ? 0.1 : 0.4 + 0.08 * (i % 8)),
    );
    const path = indexPathFor(db.name);
    const ix = FaceIndex.open(db, path, 1, shards === 1 ? {} : SHARDED);
    assert.equal(ix.shardCount, shards);
    ix.save();
    const files = freshIndexFiles(db, path, 1);
    assert.equal(files?.length, shards);
    const loaded = loadFaces(db);
    assert.equal(loaded.input.n, 640);
    const g = await knnFromIndex(files!, loaded.faceIds, loaded.input.vectors, loaded.input.n, 512, {
      k: 10,
      workers: 2,
    });
    const exact = exactKnnGraph(loaded.input.vectors, loaded.input.n, 512, 10);
    let hit = 0;
    for (let i = 0; i < g.n; i++) {
      const want = new Set(Array.from(exact.nbr.subarray(i * 10, i * 10 + 10)));
      for (let j = 0; j < 10; j++) {
        const t = g.nbr[i * 10 + j]!;
        assert.ok(t >= 0 && t < g.n && t !== i, `row ${i}: neighbour ${t}`);
        if (j > 0) assert.ok(g.sim[i * 10 + j]! <= g.sim[i * 10 + j - 1]! + 1e-6);
        if (want.has(t)) {
          hit++;
          const e = exact.sim[i * 10 + Array.from(exact.nbr.subarray(i * 10, i * 10 + 10)).indexOf(t)]!;
          assert.ok(Math.abs(g.sim[i * 10 + j]! - e) < 1e-5, 'the similarity is the exact one');
        }
      }
    }
    assert.ok(hit / (g.n * 10) > 0.97, `recall ${hit / (g.n * 10)}`);
    db.close();
  });
}

test('only an index that holds exactly the head’s embeddings now is used', () => {
  const { db } = seedLibrary({ identities: 10, faces: 700, seed: 3 });
  const path = indexPathFor(db.name);
  assert.equal(freshIndexFiles(db, path, 1), undefined, 'no index yet');
  FaceIndex.open(db, path, 1, SHARDED).save();
  assert.equal(freshIndexFiles(db, path, 1)?.length, 2);
  assert.equal(freshIndexFiles(db, path, 2), undefined, 'another head');
  const s = syntheticFaces({ identities: 2, faces: 3, sameCos: 0.5, seed: 5 });
  insertFaces(db, s.vectors, 512, [0, 1, 2]);
  assert.equal(freshIndexFiles(db, path, 1), undefined, 'faces added since it was saved');
  FaceIndex.open(db, path, 1, SHARDED).save(); // caught up
  assert.equal(freshIndexFiles(db, path, 1)?.length, 2);
  const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as IndexMeta;
  meta.shards![1] = null;
  writeFileSync(`${path}.json`, JSON.stringify(meta));
  assert.equal(freshIndexFiles(db, path, 1), undefined, 'a shard was being written');
  db.close();
});

test('a re-cluster of a large library searches its saved index and clusters as the built graph does', async () => {
  const a = seedLibrary({ identities: 150, faces: 5200, seed: 8 });
  const b = seedLibrary({ identities: 150, faces: 5200, seed: 8 });
  FaceIndex.open(a.db, indexPathFor(a.db.name), 1).save();
  const ra = await reclusterAsync(a.db, { workers: 2 });
  const rb = await reclusterAsync(b.db, { workers: 2, knnSource: 'build' });
  assert.equal(ra.knnFrom, 'index');
  assert.equal(rb.knnFrom, 'built');
  // The same people (up to numbering): compare who is with whom.
  const groups = (db: typeof a.db) => {
    const byPerson = new Map<number, number[]>();
    for (const [face, person] of assignment(db)) byPerson.set(person, [...(byPerson.get(person) ?? []), face]);
    return new Set([...byPerson.values()].map((f) => f.sort((x, y) => x - y).join(',')));
  };
  const ga = groups(a.db);
  const gb = groups(b.db);
  const same = [...ga].filter((g) => gb.has(g)).length;
  assert.ok(same / Math.max(ga.size, gb.size) > 0.95, `${same} of ${ga.size}/${gb.size} groups identical`);
  a.db.close();
  b.db.close();
});
