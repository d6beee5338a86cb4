// Unit tests (engine/lookalike): the separation maths on small hand-made embeddings: pair and face rates, histograms, FAR threshold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { incrementalOptions } from '../../../../src/engine/cluster/incremental.js';
import { suggestOptions } from '../../../../src/engine/people/suggest.js';
import {
  binOf,
  crossScores,
  farThreshold,
  libraryThresholds,
  separationStats,
  thresholdsWith,
} from '../../../../src/engine/lookalike/stats.js';

const deg = (d: number) => Float32Array.of(Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180));
const cosd = (d: number) => Math.cos((d * Math.PI) / 180);
const close = (x: number, y: number, eps = 1e-6) => assert.ok(Math.abs(x - y) < eps, `${x} != ${y}`);

test('pair and face false-match rates of two hand-made people, computed by hand', () => {
  // A at 0° and 10°, B at 30° and 40°: cross angles 30, 40, 20, 30; genuine angles 10 and 10.
  const A = [deg(0), deg(10)];
  const B = [deg(30), deg(40)];
  const t = cosd(25);
  const s = separationStats(A, B, [{ name: 't25', value: t }], { bins: 20 });
  assert.deepEqual(s.faces, { a: 2, b: 2 });
  assert.equal(s.impostor.pairs, 4);
  assert.equal(s.genuine.pairs, 2);
  close(s.impostor.mean, (2 * cosd(30) + cosd(40) + cosd(20)) / 4);
  close(s.impostor.max, cosd(20));
  close(s.genuine.min, cosd(10));
  const r = s.rates[0]!;
  assert.equal(r.pairFmr, 1 / 4); // only the 20° pair passes cos 25°
  assert.equal(r.pairTar, 1);
  // Face level (a face against the other person's mean): A(10°) -> (cos20 + cos30)/2 ≈ 0.9029 < cos25 ≈ 0.9063.
  const faceScores = [
    (cosd(30) + cosd(40)) / 2,
    (cosd(20) + cosd(30)) / 2,
    (cosd(30) + cosd(20)) / 2,
    (cosd(40) + cosd(30)) / 2,
  ];
  assert.equal(r.faceFmr, faceScores.filter((x) => x >= t).length / 4);
  assert.equal(r.faceFmr, 0);
  // A lower threshold, cos 26°, lets the two middle faces through on their mean.
  const r26 = separationStats(A, B, [{ name: 't26', value: cosd(26) }]).rates[0]!;
  assert.equal(r26.faceFmr, 2 / 4);
  assert.equal(r26.faceTar, 1);
  // AUC: every genuine pair (cos 10°) beats every A-B pair.
  assert.equal(s.auc, 1);
});

test('overlapping people: AUC below 1 and rates that fall as the threshold rises', () => {
  const A = [deg(0), deg(50)];
  const B = [deg(10), deg(60)];
  // cross angles 10, 60, 40, 10; genuine angles 50, 50: each genuine pair beats only the 60° cross pair.
  const s = separationStats(A, B, [
    { name: 'low', value: 0 },
    { name: 'high', value: cosd(15) },
  ]);
  close(s.auc!, 1 / 4);
  assert.equal(s.rates[0]!.pairFmr, 1);
  assert.equal(s.rates[1]!.pairFmr, 2 / 4);
  assert.equal(s.rates[1]!.pairTar, 0);
});

test('histograms count every pair in the right bin over [-1, 1]', () => {
  assert.equal(binOf(-1, 40), 0);
  assert.equal(binOf(1, 40), 39);
  assert.equal(binOf(0, 40), 20);
  assert.equal(binOf(-0.001, 40), 19);
  assert.equal(binOf(5, 40), 39);
  const A = [deg(0), deg(90), deg(180)];
  const B = [deg(0)];
  const s = separationStats(A, B, [], { bins: 4 });
  // cross scores: 1, 0, -1 -> bins 3, 2, 0
  assert.deepEqual(s.impostor.histogram, [1, 0, 1, 1]);
  // genuine inside A: cos90 = 0, cos180 = -1, cos90 = 0 -> bins 2, 0, 2; B has one face, no pairs
  assert.deepEqual(s.genuine.histogram, [1, 0, 2, 0]);
});

test('one-face people have no genuine pairs and no face-level own score; empty people give zeros, not NaN', () => {
  const s = separationStats([deg(0)], [deg(20)], [{ name: 'x', value: 0.5 }]);
  assert.equal(s.genuine.pairs, 0);
  assert.equal(s.auc, null);
  assert.equal(s.rates[0]!.faceTar, 0);
  assert.equal(s.rates[0]!.pairFmr, 1);
  const e = separationStats([], [], [{ name: 'x', value: 0.5 }]);
  assert.equal(e.impostor.mean, 0);
  assert.ok(!Number.isNaN(e.rates[0]!.faceFmr));
});

test('farThreshold accepts at most far·n impostor pairs and refuses when n < 1/far', () => {
  const scores = Array.from({ length: 2000 }, (_, i) => i / 2000);
  const p = farThreshold(scores, 1e-3)!;
  assert.equal(p.pairs, 2000);
  const accepted = scores.filter((s) => s >= p.threshold).length;
  assert.equal(accepted, 2);
  assert.ok(p.threshold > 1997 / 2000 && p.threshold < 1998 / 2000);
  assert.equal(farThreshold(scores.slice(0, 999), 1e-3), undefined);
  // ties at the cut never let more than far·n through
  const tied = [...Array.from({ length: 1000 }, () => 0.1), 0.9, 0.9, 0.9];
  const q = farThreshold(tied, 1e-3)!;
  assert.ok(tied.filter((s) => s >= q.threshold).length <= Math.floor(1e-3 * tied.length));
  assert.throws(() => farThreshold(scores, 0), /far must be/);
});

test('crossScores scores every cross-group pair, or an even sample of them', () => {
  const g = [[deg(0), deg(10)], [deg(20)], [deg(30), deg(40), deg(50)]];
  const all = crossScores(g, 1000);
  assert.equal(all.length, 2 * 1 + 2 * 3 + 1 * 3);
  close(all[0]!, cosd(20));
  const some = crossScores(g, 4);
  assert.equal(some.length, Math.ceil(11 / Math.ceil(11 / 4)));
});

test("the thresholds are the library's own (assignment, suggestion), plus the calibrated FAR point", () => {
  const t = libraryThresholds();
  assert.equal(t.find((x) => x.name === 'assignment')!.value, incrementalOptions.threshold);
  assert.equal(t.find((x) => x.name === 'suggestion')!.value, suggestOptions.minSimilarity);
  const w = thresholdsWith({ far: 1e-3, threshold: 0.42, pairs: 5000 });
  assert.equal(w.at(-1)!.name, 'FAR 1e-3');
  assert.equal(w.at(-1)!.value, 0.42);
  assert.equal(thresholdsWith(undefined).length, t.length);
});
