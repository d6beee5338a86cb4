// Unit tests (engine/cluster): groups of unidentifiable faces are dissolved; manual faces are clustered like any other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignNewFaces } from '../../../../src/engine/cluster/incremental.js';
import { recluster } from '../../../../src/engine/cluster/recluster.js';
import { gaussian, rng } from '../../../../src/engine/cluster/synthetic.js';
import { assignment, insertFaces, seedLibrary } from './seed.js';

const dim = 512;
const g = gaussian(rng(77));
const unit = (f: (d: number) => number) => {
  const v = Float32Array.from({ length: dim }, (_, d) => f(d));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const near = (axis: number, spread: number) => {
  const u = unit(() => g());
  return unit((d) => (d === axis ? 1 : 0) + spread * u[d]!);
};

function library(faces: Float32Array[], quality: number[], source?: (i: number) => 'auto' | 'manual') {
  const vectors = new Float32Array(faces.length * dim);
  faces.forEach((f, i) => vectors.set(f, i * dim));
  const { db } = seedLibrary({ identities: 1, faces: 2, seed: 1 });
  db.prepare('DELETE FROM faces').run();
  const ids = insertFaces(
    db,
    vectors,
    dim,
    faces.map((_, i) => i),
    (i) => quality[i]!,
  ).faceIds;
  if (source) ids.forEach((id, i) => db.prepare('UPDATE faces SET source = ? WHERE id = ?').run(source(i), id));
  return { db, ids };
}

test('a group of passable faces lying on the low-quality direction is left unknown and draws no blurry faces', () => {
  const faces: Float32Array[] = [];
  const quality: number[] = [];
  // 30 low-quality faces around the "no identity" direction (axis 0), 6 passable faces on it, and a real person (axis 1)
  for (let i = 0; i < 30; i++) {
    faces.push(near(0, 0.5));
    quality.push(0.1);
  }
  for (let i = 0; i < 6; i++) {
    faces.push(near(0, 0.5));
    quality.push(0.5);
  }
  for (let i = 0; i < 10; i++) {
    faces.push(near(1, 0.6));
    quality.push(0.9);
  }
  const { db, ids } = library(faces, quality);
  const r = recluster(db);
  assert.equal(r.junkGroups, 1);
  const a = assignment(db);
  for (let i = 0; i < 36; i++) assert.equal(a.get(ids[i]!), undefined, `junk face ${i} is in a person`);
  const real = new Set(ids.slice(36).map((f) => a.get(f)));
  assert.equal(real.size, 1);
  assert.ok([...real][0], 'the real person was not found');
  db.close();
});

test('a face drawn by hand is clustered like any other', () => {
  const faces: Float32Array[] = [];
  for (let i = 0; i < 8; i++) faces.push(near(2, 0.6));
  const { db, ids } = library(
    faces,
    faces.map(() => 0.9),
    (i) => (i === 7 ? 'manual' : 'auto'),
  );
  // the hand-drawn face arrives after the others were clustered
  db.prepare('DELETE FROM embeddings WHERE face_id = ?').run(ids[7]);
  recluster(db);
  const person = assignment(db).get(ids[0]!);
  assert.ok(person);
  db.prepare('INSERT INTO embeddings (face_id, head_id, vec) SELECT id, 1, feature FROM faces WHERE id = ?').run(
    ids[7],
  );
  const r = assignNewFaces(db);
  assert.equal(r.joined, 1);
  assert.equal(assignment(db).get(ids[7]!), person);
  db.close();
});
