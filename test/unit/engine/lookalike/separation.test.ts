// Unit tests (engine/lookalike): library separation on a real SQLite file with hand-made features: counts, quality gate, other heads, closest pair.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussian, identityWeights } from '../../../../src/engine/arcface/head-weights.js';
import { saveHead } from '../../../../src/engine/arcface/heads.js';
import { l2normalize } from '../../../../src/engine/vectors.js';
import type { Dataset } from '../../../../src/engine/arcface/dataset.js';
import { createPerson } from '../../../../src/engine/people/ops.js';
import { lookalikeDataset } from '../../../../src/engine/lookalike/faces.js';
import { separation } from '../../../../src/engine/lookalike/separation.js';
import { closestPair } from '../../../../src/engine/lookalike/truth.js';
import { openDb, type Db } from '../../../../src/engine/store/db.js';
import { insertFaces } from '../cluster/seed.js';
import { tempDir } from '../../../helpers/tmp.js';
import { join } from 'node:path';

const DIM = 512;

/** n unit features around `centre` (noise std `noise` per dimension, seeded). */
function around(centre: Float32Array, n: number, noise: number, seed: number): Float32Array[] {
  const g = gaussian(n * DIM, noise, seed);
  return Array.from({ length: n }, (_, i) => {
    const v = new Float32Array(DIM);
    for (let d = 0; d < DIM; d++) v[d] = centre[d]! + g[i * DIM + d]!;
    return l2normalize(v);
  });
}

function axis(weights: Record<number, number>): Float32Array {
  const v = new Float32Array(DIM);
  for (const [k, x] of Object.entries(weights)) v[Number(k)] = x;
  return l2normalize(v);
}

/** A library of people with the given face features; quality of face i of person p from `quality`. */
function library(people: { name: string | null; faces: Float32Array[]; low?: number; lowUser?: number }[]): {
  db: Db;
  ids: number[];
  faceIds: number[][];
} {
  const db = openDb(join(tempDir(), 'lib.db'));
  const ids: number[] = [];
  const faceIds: number[][] = [];
  let photo = 0;
  for (const p of people) {
    const vecs = new Float32Array(p.faces.length * DIM);
    p.faces.forEach((f, i) => vecs.set(f, i * DIM));
    const low = p.low ?? 0;
    const lowUser = p.lowUser ?? 0;
    const { faceIds: fids } = insertFaces(
      db,
      vecs,
      DIM,
      p.faces.map(() => photo++),
      (i) => (i < low + lowUser ? 0.05 : 0.9),
    );
    const id = createPerson(db, p.name);
    const put = db.prepare('INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, ?, 0)');
    fids.forEach((f, i) => put.run(f, id, i >= low && i < low + lowUser ? 'user' : 'auto'));
    ids.push(id);
    faceIds.push(fids);
  }
  return { db, ids, faceIds };
}

test('library separation: every A-B pair counted, the quality gate applied, FAR point from the other people', () => {
  const cA = axis({ 0: 1 });
  const cB = axis({ 0: 0.8, 1: 0.6 });
  const { db, ids } = library([
    { name: 'Ann', faces: around(cA, 12, 0.01, 1), low: 2, lowUser: 1 },
    { name: null, faces: around(cB, 10, 0.01, 2) },
    { name: 'Cy', faces: around(axis({ 2: 1 }), 30, 0.01, 3) },
    { name: 'Di', faces: around(axis({ 3: 1 }), 30, 0.01, 4) },
    { name: 'Ed', faces: around(axis({ 4: 1 }), 30, 0.01, 5) },
  ]);
  const [a, b] = ids as [number, number];
  const r = separation(db, a, b);
  // Ann: 12 faces, 2 low-quality auto ones gated, the low-quality face the user placed counts.
  assert.equal(r.a.faces, 10);
  assert.equal(r.b.faces, 10);
  assert.equal(r.a.name, 'Ann');
  assert.equal(r.b.name, null);
  assert.equal(r.stats.impostor.pairs, 100);
  assert.equal(r.stats.genuine.pairs, 45 + 45);
  assert.equal(
    r.stats.impostor.histogram.reduce((s, x) => s + x, 0),
    100,
  );
  // cos(A, B) ≈ 0.8: the look-alikes pass the library's 0.3 assignment threshold on every pair...
  const assign = r.stats.rates.find((x) => x.name === 'assignment')!;
  assert.equal(assign.pairFmr, 1);
  assert.equal(assign.faceFmr, 1);
  assert.ok(r.stats.impostor.mean > 0.7 && r.stats.impostor.mean < 0.9, String(r.stats.impostor.mean));
  // ...and the FAR point, read from 3 x 900 pairs of near-orthogonal strangers, sits far below them.
  assert.ok(r.farPoint, 'calibrated on the other named people');
  assert.equal(r.farPoint!.pairs, 2700);
  assert.ok(r.farPoint!.threshold < 0.3);
  assert.equal(r.stats.rates.at(-1)!.name, 'FAR 1e-3');
  assert.equal(r.headId, 1);
  assert.throws(() => separation(db, a, 99999), /does not exist/);
  assert.throws(() => separation(db, a, a), /two different people/);
  db.close();
});

test('separation under another stored head uses that head on the stored features', () => {
  const { db, ids } = library([
    { name: 'A', faces: around(axis({ 0: 1 }), 8, 0.01, 11) },
    { name: 'B', faces: around(axis({ 0: 0.6, 1: 0.8 }), 8, 0.01, 12) },
  ]);
  const [a, b] = ids as [number, number];
  const w = identityWeights(DIM);
  w.w[1 * DIM + 1] = 0; // a head blind to the one dimension telling A from B
  const blind = saveHead(db, { name: 'blind', kind: 'finetuned', parentId: 1, config: {}, metrics: {}, weights: w });
  const before = separation(db, a, b);
  const after = separation(db, a, b, blind);
  assert.equal(after.headId, blind);
  assert.ok(before.stats.impostor.mean < 0.7);
  assert.ok(
    after.stats.impostor.mean > 0.9 && after.stats.impostor.mean > before.stats.impostor.mean + 0.2,
    String(after.stats.impostor.mean),
  );
  assert.equal(before.farPoint, null, 'no other people: no FAR calibration, said so');
  db.close();
});

test('the look-alike training set: A and B first (named or not), other named people after, keyed by person', () => {
  const { db, ids } = library([
    { name: 'Zed', faces: around(axis({ 0: 1 }), 5, 0.01, 21) },
    { name: null, faces: around(axis({ 1: 1 }), 4, 0.01, 22) },
    { name: 'Zed', faces: around(axis({ 2: 1 }), 3, 0.01, 23) },
    { name: 'Solo', faces: around(axis({ 3: 1 }), 1, 0.01, 24) },
    { name: null, faces: around(axis({ 4: 1 }), 6, 0.01, 25) },
  ]);
  const { dataset, personIds } = lookalikeDataset(db, ids[1]!, ids[0]!);
  assert.deepEqual(personIds, [ids[1], ids[0], ids[2]]);
  assert.deepEqual(dataset.identities, [`person ${ids[1]}`, 'Zed', 'Zed']);
  assert.equal(dataset.features.length, 4 + 5 + 3);
  assert.deepEqual(dataset.labels.slice(0, 5), [0, 0, 0, 0, 1]);
  assert.equal(dataset.failures.length, 1); // Solo has one face
  db.close();
});

test('closestPair picks the identities with the most similar centres, from the given faces only', () => {
  const faces = [
    ...around(axis({ 0: 1 }), 6, 0.01, 31),
    ...around(axis({ 0: 0.9, 1: 0.44 }), 6, 0.01, 32),
    ...around(axis({ 2: 1 }), 6, 0.01, 33),
  ];
  const d: Dataset = {
    identities: ['x', 'y', 'z'],
    features: faces,
    labels: faces.map((_, i) => Math.floor(i / 6)),
    sources: faces.map((_, i) => `face:${i}`),
    failures: [],
  };
  const all = faces.map((_, i) => i);
  const c = closestPair(d, all);
  assert.deepEqual([c.a, c.b], [0, 1]);
  assert.ok(c.cosine > 0.85 && c.cosine < 0.95);
  assert.equal(c.ranking.length, 3);
  assert.deepEqual([c.ranking[0]!.a, c.ranking[0]!.b], ['x', 'y']);
  // When only z's faces and a far-off y face are given, the ranking follows them.
  const moved = { ...d, features: d.features.map((f, i) => (i === 6 ? axis({ 2: 1 }) : f)) };
  const c2 = closestPair(moved, [6, 12, 13, 0]);
  assert.deepEqual([c2.a, c2.b], [1, 2]);
});
