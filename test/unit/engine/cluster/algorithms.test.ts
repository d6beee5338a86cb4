// Unit tests (engine/cluster): both algorithms on synthetic embeddings: quality, determinism, must-links and cannot-links.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALGORITHMS } from '../../../../src/engine/cluster/algorithms.js';
import { plainInput, type ClusterInput } from '../../../../src/engine/cluster/input.js';
import { buildKnnGraph } from '../../../../src/engine/cluster/knn.js';
import { scoreClustering } from '../../../../src/engine/cluster/metrics.js';
import { syntheticFaces } from '../../../../src/engine/cluster/synthetic.js';

const set = syntheticFaces({ identities: 30, faces: 600, sameCos: 0.6, sameCosSpread: 0.15, seed: 5 });
const graph = buildKnnGraph(set.vectors, 600, 512);

for (const algo of Object.values(ALGORITHMS)) {
  test(`${algo.name}: well separated identities come out nearly right`, () => {
    const c = algo.run(plainInput(set.vectors, 600, 512), graph);
    const s = scoreClustering(set.labels, c.labels);
    assert.ok(s.bcubedP > 0.97, `precision ${s.bcubedP}`);
    assert.ok(s.bcubedF > 0.85, `F ${s.bcubedF}`);
  });

  test(`${algo.name}: the same input gives the same clusters, and so does a rebuilt graph`, () => {
    const a = algo.run(plainInput(set.vectors, 600, 512), graph);
    const b = algo.run(plainInput(set.vectors, 600, 512), buildKnnGraph(set.vectors, 600, 512));
    assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
  });

  test(`${algo.name}: two faces of one photo never share a cluster, even when they are near-duplicates`, () => {
    const photos = Int32Array.from({ length: 600 }, (_, i) => i);
    // put the first two faces of identity 0 in one photo (they are the same person, so only the constraint separates them)
    const of0 = Array.from(set.labels.keys()).filter((i) => set.labels[i] === 0);
    photos[of0[1]!] = photos[of0[0]!]!;
    const c = algo.run(plainInput(set.vectors, 600, 512, photos), graph);
    const [a, b] = [c.labels[of0[0]!]!, c.labels[of0[1]!]!];
    assert.ok(a < 0 || b < 0 || a !== b, 'same-photo faces ended in one cluster');
  });

  test(`${algo.name}: faces the user placed stay together and apart from another person's`, () => {
    const input: ClusterInput = plainInput(set.vectors, 600, 512);
    const of = (id: number) => Array.from(set.labels.keys()).filter((i) => set.labels[i] === id);
    const [a0, a1] = of(0);
    const [b0] = of(1);
    const [c0] = of(2);
    // user: a0 and b0 are person 100 (different identities, forced together); c0 is person 200
    input.fixed[a0!] = 100;
    input.fixed[b0!] = 100;
    input.fixed[c0!] = 200;
    input.tags[a0!] = 100;
    input.tags[b0!] = 100;
    input.tags[c0!] = 200;
    // a1 was rejected from person 100
    (input.rejects as Map<number, number[]>).set(a1!, [100]);
    const c = algo.run(input, graph);
    assert.ok(c.labels[a0!]! >= 0);
    assert.equal(c.labels[a0!], c.labels[b0!]);
    assert.notEqual(c.labels[c0!], c.labels[a0!]);
    assert.notEqual(c.labels[a1!], c.labels[a0!]);
  });
}

test('linkage keeps two look-alike people apart where one close pair glues them in the density baseline', () => {
  // Two tight groups and a bridge face between them: single-linkage-like joining merges them, the mean does not.
  const dim = 64;
  const n = 21;
  const v = new Float32Array(n * dim);
  const put = (i: number, a: number, b: number, noise: number) => {
    v[i * dim] = a;
    v[i * dim + 1] = b;
    v[i * dim + 2 + i] = noise;
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[i * dim + d]! ** 2;
    for (let d = 0; d < dim; d++) v[i * dim + d]! /= Math.sqrt(s);
  };
  for (let i = 0; i < 10; i++) put(i, 1, 0.0, 0.55); // person A
  put(10, 0.8, 0.6, 0.3); // a face between them (cos 0.67 to A and 0.68 to B), met before B's faces
  for (let i = 11; i < 21; i++) put(i, 0.3, 1, 0.55); // person B (cos 0.22 with A)
  const g = buildKnnGraph(v, n, dim, { k: 12 });
  const input = plainInput(v, n, dim);
  const d = ALGORITHMS.density!.run(input, g, { maxDistance: 0.5 });
  const l = ALGORITHMS.linkage!.run(input, g);
  assert.equal(d.labels[0], d.labels[15], 'the baseline was expected to chain A and B');
  assert.notEqual(l.labels[0], l.labels[15]);
  assert.ok(l.labels[0]! >= 0 && l.labels[15]! >= 0);
});

test('linkage: smallThreshold asks more of two single faces than of large groups', () => {
  const dim = 8;
  // faces 0,1 at cosine 0.4 (a pair of strangers or one person twice), faces 2..9 a tight person
  const v = new Float32Array(10 * dim);
  v.set([1, 0, 0, 0, 0, 0, 0, 0], 0);
  v.set([0.4, Math.sqrt(1 - 0.16), 0, 0, 0, 0, 0, 0], dim);
  for (let i = 2; i < 10; i++) {
    v[i * dim + 2] = 1;
    v[i * dim + 3 + (i % 5)] = 0.3;
    const n = Math.hypot(...v.subarray(i * dim, (i + 1) * dim));
    for (let d = 0; d < dim; d++) v[i * dim + d]! /= n;
  }
  const g = buildKnnGraph(v, 10, dim, { k: 9 });
  const input = plainInput(v, 10, dim);
  const plain = ALGORITHMS.linkage!.run(input, g);
  const strict = ALGORITHMS.linkage!.run(input, g, { smallThreshold: 0.45 });
  assert.equal(plain.labels[0], plain.labels[1]);
  assert.ok(
    strict.labels[0] === -1 && strict.labels[1] === -1,
    'two faces at 0.4 should stay apart at smallThreshold 0.45',
  );
  assert.equal(new Set(Array.from(strict.labels.subarray(2))).size, 1, 'the tight person must still form');
});
