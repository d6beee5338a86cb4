// Test (unit, engine cluster): the synthetic faces keep their same-person cosine whatever shape their noise takes, a
// decaying noise spectrum concentrates the same-person variation in fewer dimensions, and a decaying centre spectrum
// widens the cosines between different people to real faces' spread without moving anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noiseScales, syntheticFaces } from '../../../../src/engine/cluster/synthetic.js';
import { dot } from '../../../../src/engine/vectors.js';

/** Mean cosine between faces of one identity, and the participation ratio of their residuals' diagonal variance. */
function stats(decay: number): { sameCos: number; diagPr: number } {
  const dim = 512;
  const s = syntheticFaces({ identities: 20, faces: 2000, sameCos: 0.6, seed: 3, noiseDecay: decay });
  const row = (i: number) => s.vectors.subarray(i * dim, (i + 1) * dim);
  const byId = new Map<number, number[]>();
  s.labels.forEach((l, i) => byId.set(l, [...(byId.get(l) ?? []), i]));
  let sum = 0;
  let n = 0;
  const variance = new Float64Array(dim);
  for (const rows of byId.values()) {
    const some = rows.slice(0, 30);
    const mean = new Float64Array(dim);
    for (const i of some) for (let j = 0; j < dim; j++) mean[j]! += s.vectors[i * dim + j]! / some.length;
    for (const i of some) for (let j = 0; j < dim; j++) variance[j]! += (s.vectors[i * dim + j]! - mean[j]!) ** 2;
    for (let a = 0; a < some.length; a++)
      for (let b = a + 1; b < some.length; b++) {
        sum += dot(row(some[a]!), row(some[b]!));
        n++;
      }
  }
  const total = variance.reduce((x, y) => x + y, 0);
  const squares = variance.reduce((x, y) => x + y * y, 0);
  return { sameCos: sum / n, diagPr: (total * total) / squares };
}

test('noise scales: even at decay 0 (the old 1/sqrt(dim)), decreasing otherwise, total variance 1', () => {
  assert.deepEqual([...noiseScales(512, 0)], new Array(512).fill(1 / Math.sqrt(512)));
  for (const d of [0.5, 0.75, 1]) {
    const s = noiseScales(512, d);
    assert.ok(Math.abs(s.reduce((a, x) => a + x * x, 0) - 1) < 1e-9, `decay ${d}: total variance 1`);
    for (let j = 1; j < 512; j++) assert.ok(s[j]! < s[j - 1]!, `decay ${d}: dimension ${j} below ${j - 1}`);
  }
});

test('a decaying spectrum keeps the same-person cosine and narrows the variation', () => {
  const even = stats(0);
  const shaped = stats(0.75);
  assert.ok(Math.abs(even.sameCos - shaped.sameCos) < 0.03, `same-person cos ${even.sameCos} vs ${shaped.sameCos}`);
  assert.ok(even.diagPr > 400, `even noise spreads over most of 512 dimensions (PR ${even.diagPr})`);
  assert.ok(shaped.diagPr < 0.5 * even.diagPr, `decay 0.75 concentrates it (PR ${shaped.diagPr} vs ${even.diagPr})`);
});

/** Cosines between faces of different people (sd) and within one person (mean), over the first 1,500 faces. */
function pairs(centreDecay: number): { otherSd: number; sameCos: number } {
  const dim = 512;
  const s = syntheticFaces({ identities: 300, faces: 1500, sameCos: 0.6, seed: 4, centreDecay });
  const row = (i: number) => s.vectors.subarray(i * dim, (i + 1) * dim);
  const other: number[] = [];
  let same = 0;
  let sameN = 0;
  for (let a = 0; a < 1500; a++)
    for (let b = a + 1; b < 1500; b += 7) {
      const c = dot(row(a), row(b));
      if (s.labels[a] === s.labels[b]) {
        same += c;
        sameN++;
      } else other.push(c);
    }
  const mean = other.reduce((x, y) => x + y, 0) / other.length;
  return { otherSd: Math.sqrt(other.reduce((x, y) => x + (y - mean) ** 2, 0) / other.length), sameCos: same / sameN };
}

test('centre decay: 0 is the old even set; 1 spreads different people like real faces and keeps the same-person cosine', () => {
  const old = syntheticFaces({ identities: 30, faces: 200, sameCos: 0.6, seed: 4 });
  assert.deepEqual(syntheticFaces({ identities: 30, faces: 200, sameCos: 0.6, seed: 4, centreDecay: 0 }), old);
  const even = pairs(0);
  const shaped = pairs(1);
  // 1/sqrt(512) = 0.044 between random directions; real faces 0.098 (bench/between-person.ts, LFW and celeba-wild)
  assert.ok(Math.abs(even.otherSd - 0.044) < 0.006, `even centres: sd ${even.otherSd}`);
  assert.ok(shaped.otherSd > 0.08 && shaped.otherSd < 0.14, `centre decay 1: sd ${shaped.otherSd}`);
  assert.ok(Math.abs(even.sameCos - shaped.sameCos) < 0.05, `same-person cos ${even.sameCos} vs ${shaped.sameCos}`);
});
