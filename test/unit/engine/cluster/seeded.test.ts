// Unit tests (engine/cluster): merge rounds of the linkage, seeded linkage (people as groups that grow), and the incremental assignment built on it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignNewFaces } from '../../../../src/engine/cluster/incremental.js';
import { GroupFacts, plainInput } from '../../../../src/engine/cluster/input.js';
import { buildKnnGraph, exactKnnGraph } from '../../../../src/engine/cluster/knn.js';
import { linkageCluster, linkageOptions, linkageSeeded, required } from '../../../../src/engine/cluster/linkage.js';
import { recluster } from '../../../../src/engine/cluster/recluster.js';
import { gaussian, rng, syntheticFaces } from '../../../../src/engine/cluster/synthetic.js';
import { rename } from '../../../../src/engine/people/ops.js';
import { assignment, insertFaces, seedLibrary } from './seed.js';

const dim = 64;
/** A unit vector: weight `a` on axis `axis`, plus a private direction `own` of weight `b`. */
function face(axis: number, a: number, own: number, b: number): Float32Array {
  const v = new Float32Array(dim);
  v[axis] = a;
  v[own] = b;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

test('the small-group rule: two single faces need smallThreshold, a face and a group of m need less as m grows', () => {
  const o = linkageOptions;
  assert.ok(Math.abs(required(o, 1, 1) - o.smallThreshold) < 1e-12);
  assert.ok(required(o, 1, 4) < required(o, 1, 1));
  assert.ok(required(o, 1, 100) < required(o, 1, 4));
  assert.ok(required(o, 1, 1e9) - o.threshold < 1e-3);
});

test('merge rounds: a face below the single-face bar joins once its look-mates have become a group', () => {
  // ten faces of one person (cosine 0.8 to each other), and an eleventh at cosine 0.4 to each of them:
  // 0.4 is below what two single faces need (0.53), above what a face and a group of ten need (0.30)
  const n = 11;
  const v = new Float32Array(n * dim);
  for (let i = 0; i < 10; i++) v.set(face(0, Math.sqrt(0.8), 10 + i, Math.sqrt(0.2)), i * dim);
  v.set(face(0, Math.sqrt(0.2), 40, Math.sqrt(0.8)), 10 * dim);
  const c = linkageCluster(plainInput(v, n, dim), exactKnnGraph(v, n, dim, 10));
  assert.equal(c.clusters, 1);
  assert.equal(c.labels[10], c.labels[0], 'the outlier stayed alone');
});

test('seeded linkage: a face joins its seed; seeds fixed to two people never merge; free seeds may', () => {
  // seeds: A (person 1) and B (person 2), both fixed, on one axis (look-alikes); C (3) and D (4) free, on another
  const seedSum = (axis: number, own: number, count: number) => face(axis, 1, own, 0.3).map((x) => x * count);
  const sums = new Float32Array(4 * dim);
  sums.set(seedSum(0, 50, 6), 0);
  sums.set(seedSum(0, 51, 6), dim);
  sums.set(seedSum(1, 52, 5), 2 * dim);
  sums.set(seedSum(1, 53, 5), 3 * dim);
  const facts = [1, 2, 3, 4].map((p, j) => {
    const g = new GroupFacts();
    g.photos.add(1000 + j);
    g.tags.add(p);
    g.fixed = j < 2 ? p : 0;
    return g;
  });
  // new faces: one on axis 0, one on axis 1, and one on axis 1 the user said is not person 3 (C)
  const v = new Float32Array(3 * dim);
  v.set(face(0, 1, 54, 0.3), 0);
  v.set(face(1, 1, 55, 0.3), dim);
  v.set(face(1, 1, 56, 0.3), 2 * dim);
  const input = plainInput(v, 3, dim);
  (input.rejects as Map<number, number[]>).set(2, [3]);
  const c = linkageSeeded(
    input,
    exactKnnGraph(v, 3, dim, 2),
    {},
    {
      count: 4,
      sums,
      sizes: [6, 6, 5, 5],
      facts,
      face: Int32Array.from([0, 0, 1, 1, 2, 2]),
      seed: Int32Array.from([0, 1, 2, 3, 2, 3]),
      pairA: Int32Array.from([0, 2]),
      pairB: Int32Array.from([1, 3]),
    },
  );
  const [rA, rB, rC, rD] = c.seedRoots;
  assert.notEqual(rA, rB, 'two fixed seeds merged');
  assert.equal(rC, rD, 'two free seeds of one person stayed apart');
  assert.ok(c.roots[0] === rA || c.roots[0] === rB, 'the face on axis 0 joined neither A nor B');
  assert.equal(c.roots[1], rC, 'the face on axis 1 did not join C and D');
  assert.notEqual(c.roots[2], rC, 'a face rejected from C joined C');
  assert.ok(c.seedOf[c.labels[0]!]! >= 0 && c.seedOf[c.labels[1]!]! >= 0);
});

test('one import: assigning new faces and a full re-cluster agree exactly', () => {
  const { db } = seedLibrary({ identities: 12, faces: 240, seed: 21, groupShare: 0.2 });
  assignNewFaces(db);
  const plan = recluster(db, { preview: true }).plan;
  assert.equal(plan.facesMoved, 0);
  assert.ok(assignment(db).size > 200);
  db.close();
});

test('later imports: untouched people that new faces show to be one merge; named people never merge or move', () => {
  const s = syntheticFaces({ identities: 6, faces: 180, sameCos: 0.6, sameCosSpread: 0.1, seed: 31 });
  const { db } = seedLibrary({ identities: 1, faces: 2, seed: 1 });
  db.prepare('DELETE FROM faces').run();
  const of = (id: number) => Array.from(s.labels.keys()).filter((i) => s.labels[i] === id);
  const pick = (rows: number[]) => {
    const out = new Float32Array(rows.length * 512);
    rows.forEach((i, j) => out.set(s.vectors.subarray(i * 512, (i + 1) * 512), j * 512));
    return out;
  };
  // first import: two faces of each person, three of person 0 as two separate untouched people by hand
  const first = [0, 1, 2, 3, 4, 5].flatMap((id) => of(id).slice(0, 3));
  const a = insertFaces(db, pick(first), 512, first);
  assignNewFaces(db);
  const people = new Map<number, number>();
  first.forEach((i, j) => people.set(s.labels[i]!, assignment(db).get(a.faceIds[j]!) ?? 0));
  const named = people.get(1)!;
  assert.ok(named);
  rename(db, named, 'Ann');
  const annFaces = (
    db.prepare('SELECT face_id FROM face_people WHERE person_id = ?').all(named) as { face_id: number }[]
  )
    .map((r) => r.face_id)
    .sort();
  // split person 0 into two untouched people (as two earlier imports could have left it)
  const zero = first.flatMap((i, j) => (s.labels[i] === 0 ? [a.faceIds[j]!] : []));
  const other = Number(db.prepare('INSERT INTO people (name, created_at) VALUES (NULL, 0)').run().lastInsertRowid);
  db.prepare('UPDATE face_people SET person_id = ? WHERE face_id = ?').run(other, zero[0]);
  // second import: the rest
  const rest = Array.from(s.labels.keys()).filter((i) => !first.includes(i));
  const b = insertFaces(
    db,
    pick(rest),
    512,
    rest.map((i) => 10_000 + i),
  );
  const r = assignNewFaces(db);
  assert.ok(r.mergedPeople >= 1, 'the two halves of person 0 stayed apart');
  const after = assignment(db);
  const zeroPeople = new Set(
    [...zero, ...rest.flatMap((i, j) => (s.labels[i] === 0 ? [b.faceIds[j]!] : []))].map((f) => after.get(f)),
  );
  assert.equal(zeroPeople.size, 1, `person 0 is in ${[...zeroPeople].join(', ')}`);
  // Ann kept every face she had, and still exists under her name
  for (const f of annFaces) assert.equal(after.get(f), named);
  assert.equal((db.prepare('SELECT name FROM people WHERE id = ?').get(named) as { name: string }).name, 'Ann');
  db.close();
});

test('seeded and plain linkage agree on faces with no seeds', () => {
  const g = gaussian(rng(3));
  const n = 60;
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const row = face(i % 4, 1, 4 + i, 0.9);
    for (let d = 0; d < dim; d++) row[d]! += 0.05 * g();
    const norm = Math.hypot(...row);
    v.set(
      row.map((x) => x / norm),
      i * dim,
    );
  }
  const graph = buildKnnGraph(v, n, dim, { k: 12 });
  const plain = linkageCluster(plainInput(v, n, dim), graph);
  const seeded = linkageSeeded(plainInput(v, n, dim), graph);
  assert.deepEqual(Array.from(seeded.labels), Array.from(plain.labels));
  assert.ok(plain.clusters >= 3);
});
