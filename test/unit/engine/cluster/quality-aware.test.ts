// Unit tests (engine/cluster): quality-aware similarity (real SQLite library): how faces are scaled, and what it changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFor } from '../../../../src/engine/cluster/algorithms.js';
import { loadFaces, loadOptions, qualityScale } from '../../../../src/engine/cluster/load.js';
import { buildKnnGraph } from '../../../../src/engine/cluster/knn.js';
import { reclusterLoaded } from '../../../../src/engine/cluster/recluster.js';
import { insertFaces, seedLibrary } from './seed.js';

const DIM = 16;

/** Unit rows: face k of `rows` is cos(a) e0 + sin(a) e(k+1), or any 16-D vector given. */
function rowsOf(rows: number[][]): Float32Array {
  const v = new Float32Array(rows.length * DIM);
  rows.forEach((r, i) => {
    const n = Math.hypot(...r);
    r.forEach((x, d) => (v[i * DIM + d] = x / n));
  });
  return v;
}
const axis = (d: number, scale = 1) => Array.from({ length: DIM }, (_, i) => (i === d ? scale : 0));
const mix = (a: number[], b: number[], c: number) => a.map((x, i) => c * x + Math.sqrt(1 - c * c) * b[i]!);
const len = (v: Float32Array, i: number) => Math.hypot(...v.subarray(i * DIM, (i + 1) * DIM));

test('each face is scaled by its quality to the power -p/2, clamped to the floor; no quality or gated, no scaling', () => {
  const { db } = seedLibrary({ identities: 1, faces: 0 });
  const quality = [1, 0.8, 0.5, 0.36, null, 0.2];
  const { faceIds } = insertFaces(
    db,
    rowsOf(quality.map((_, i) => axis(i))),
    DIM,
    [0, 1, 2, 3, 4, 5],
    (i) => quality[i]!,
  );
  const p = loadOptions.qualityPower;
  assert.ok(p > 0, 'the default compares quality-aware');
  const l = loadFaces(db);
  assert.deepEqual(Array.from(l.faceIds), faceIds.slice(0, 5));
  const want = [1, 0.8 ** (-p / 2), 0.5 ** (-p / 2), 0.36 ** (-p / 2), 1];
  want.forEach((w, i) =>
    assert.ok(Math.abs(len(l.input.vectors, i) - w) < 1e-6, `face ${i}: ${len(l.input.vectors, i)}`),
  );
  // the gated face (0.2) waits for the late attach unscaled
  assert.equal(l.low.faceIds[0], faceIds[5]);
  assert.ok(Math.abs(len(l.low.vectors, 0) - 1) < 1e-6);
  // let in by a lower gate, it is scaled as a face at the floor, not by its own quality
  const lower = loadFaces(db, { minQuality: 0.1 });
  assert.equal(lower.input.n, 6);
  assert.ok(Math.abs(len(lower.input.vectors, 5) - loadOptions.qualityFloor ** (-p / 2)) < 1e-6);
  assert.equal(qualityScale(0.2, loadOptions), qualityScale(loadOptions.qualityFloor, loadOptions));
  // a pair compares at cos / (q_a q_b)^(p/2)
  const plain = loadFaces(db, { qualityPower: 0 });
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(len(plain.input.vectors, i) - 1) < 1e-6);
  db.close();
});

test('the density baseline loads plain cosines; the linkage the quality-aware ones', () => {
  assert.equal(loadFor('density', 0.35).qualityPower, 0);
  assert.equal(loadFor('linkage', 0.35).qualityPower, undefined);
  assert.equal(loadFor(undefined, 0.4).minQuality, 0.4);
});

test('a poor face joins its person at a cosine where a sharp face at the same cosine stays out', () => {
  // Person A: six sharp faces, pairwise cosine 0.81. Two more faces, each at cosine 0.33 to every face of A and
  // unrelated to each other: one sharp (quality 1), one poor (0.45). A single face joining six needs
  // threshold + (smallThreshold - threshold) / sqrt(6) of mean cosine: about 0.35.
  const { db } = seedLibrary({ identities: 1, faces: 0 });
  const e0 = axis(0);
  const a = [1, 2, 3, 4, 5, 6].map((k) => mix(e0, axis(k), 0.9));
  const sharp = mix(e0, axis(8), 0.33 / 0.9);
  const poor = mix(e0, mix(axis(9), axis(10), 0.6), 0.33 / 0.9);
  const { faceIds } = insertFaces(db, rowsOf([...a, sharp, poor]), DIM, [0, 1, 2, 3, 4, 5, 6, 7], (i) =>
    i === 7 ? 0.45 : 1,
  );
  const run = (qualityPower?: number) => {
    const l = loadFaces(db, qualityPower === undefined ? {} : { qualityPower });
    const r = reclusterLoaded(db, l, buildKnnGraph(l.input.vectors, l.input.n, DIM), { preview: true });
    const groupOf = (id: number) => r.plan.target[Array.from(r.plan.faceIds).indexOf(id)]!;
    const a0 = groupOf(faceIds[0]!);
    assert.ok(a0 !== 0 && faceIds.slice(0, 6).every((f) => groupOf(f) === a0), 'A is one group');
    return { sharp: groupOf(faceIds[6]!) === a0, poor: groupOf(faceIds[7]!) === a0 };
  };
  assert.deepEqual(run(), { sharp: false, poor: true }, 'quality-aware: the poor face joins A, the sharp one does not');
  assert.deepEqual(run(0), { sharp: false, poor: false }, 'plain cosines: neither joins');
  db.close();
});
