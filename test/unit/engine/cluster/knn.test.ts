// Unit tests (engine/cluster): the HNSW kNN graph against exact search, and its row layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildKnnGraph, dot, exactKnnGraph } from '../../../../src/engine/cluster/knn.js';
import { syntheticFaces } from '../../../../src/engine/cluster/synthetic.js';

test('the HNSW graph finds nearly all exact nearest neighbours, nearest first, never the face itself', () => {
  const s = syntheticFaces({ identities: 40, faces: 600, sameCos: 0.5, seed: 11 });
  const g = buildKnnGraph(s.vectors, 600, 512, { k: 10 });
  const e = exactKnnGraph(s.vectors, 600, 512, 10);
  let hit = 0;
  for (let i = 0; i < 600; i++) {
    const want = new Set(Array.from(e.nbr.subarray(i * 10, i * 10 + 10)));
    for (let j = 0; j < 10; j++) {
      const t = g.nbr[i * 10 + j]!;
      assert.notEqual(t, i);
      if (j > 0) assert.ok(g.sim[i * 10 + j]! <= g.sim[i * 10 + j - 1]! + 1e-6);
      if (want.has(t)) hit++;
    }
  }
  assert.ok(hit / 6000 > 0.95, `recall ${hit / 6000}`);
});

test('tiny inputs: one face has no neighbours, two faces see each other', () => {
  const v = new Float32Array([1, 0, 0, 1]);
  assert.equal(buildKnnGraph(v.subarray(0, 2), 1, 2).nbr[0], -1);
  const g = buildKnnGraph(v, 2, 2);
  assert.deepEqual(Array.from(g.nbr), [1, 0]);
});

test('the projected, sharded graph on worker threads agrees with the exact graph and keeps exact similarities', async () => {
  const { buildKnnGraphParallel } = await import('../../../../src/engine/cluster/knn-parallel.js');
  const s = syntheticFaces({ identities: 60, faces: 1500, sameCos: 0.5, seed: 13 });
  // As loadFaces hands them over: a view on shared memory with unused rows after it.
  const shared = new Float32Array(new SharedArrayBuffer(1600 * 512 * 4));
  shared.set(s.vectors);
  shared.fill(9, 1500 * 512);
  const g = await buildKnnGraphParallel(shared.subarray(0, 1500 * 512), 1500, 512, {
    k: 10,
    projectFrom: 1,
    workers: 2,
  });
  const e = exactKnnGraph(s.vectors, 1500, 512, 10);
  let hit = 0;
  for (let i = 0; i < 1500; i++) {
    const want = new Set(Array.from(e.nbr.subarray(i * 10, i * 10 + 10)));
    for (let j = 0; j < 10; j++) {
      const t = g.nbr[i * 10 + j]!;
      assert.notEqual(t, i);
      if (want.has(t)) hit++;
      if (t >= 0)
        assert.ok(Math.abs(g.sim[i * 10 + j]! - dot(s.vectors, i, t, 512)) < 1e-4, 'similarity is not the exact one');
    }
  }
  assert.ok(hit / 15000 > 0.9, `recall ${hit / 15000}`);
});

test('the PCA basis is orthonormal', async () => {
  const { pcaBasis } = await import('../../../../src/engine/cluster/project.js');
  const s = syntheticFaces({ identities: 20, faces: 300, sameCos: 0.5, seed: 2 });
  const B = pcaBasis(s.vectors, 300, 512, 16);
  for (let a = 0; a < 16; a++)
    for (let b = 0; b < 16; b++) {
      let d = 0;
      for (let x = 0; x < 512; x++) d += B[a * 512 + x]! * B[b * 512 + x]!;
      assert.ok(Math.abs(d - (a === b ? 1 : 0)) < 1e-3);
    }
});
