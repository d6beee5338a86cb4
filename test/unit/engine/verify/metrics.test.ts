// Test (unit): verification metrics on small hand-computed examples (engine/verify/metrics.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accuracyAt,
  auc,
  bestThreshold,
  eer,
  kFoldAccuracy,
  roc,
  summarize,
  tarAtFar,
} from '../../../../src/engine/verify/metrics.js';
import { cosine } from '../../../../src/engine/vectors.js';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

// Scores with labels: positives 0.9 0.8 0.4, negatives 0.7 0.3 0.2 0.1
const S = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1];
const Y = [true, true, false, true, false, false, false];

test('roc walks the sorted scores from (0,0) to (1,1)', () => {
  const r = roc(S, Y);
  assert.equal(r.length, 8);
  assert.deepEqual(r[0], { threshold: Infinity, far: 0, tar: 0 });
  assert.deepEqual(r[2], { threshold: 0.8, far: 0, tar: 2 / 3 });
  assert.deepEqual(r[3], { threshold: 0.7, far: 0.25, tar: 2 / 3 });
  assert.deepEqual(r.at(-1), { threshold: 0.1, far: 1, tar: 1 });
});

test('auc: 11 of 12 positive-negative orderings are right; ties count half', () => {
  close(auc(S, Y), 11 / 12);
  close(auc([0.5, 0.5], [true, false]), 0.5);
  close(auc([1, 0], [true, false]), 1);
});

test('eer: where FAR crosses FRR', () => {
  // at threshold 0.7: far 0.25, frr 1/3; at 0.4: far 0.25, frr 0 -> crossing between (0.25, 1/3) and (0.25, 0) is at 0.25
  close(eer(S, Y), 0.25);
  close(eer([1, 0], [true, false]), 0);
});

test('tarAtFar: best TAR with FAR under the bound', () => {
  close(tarAtFar(S, Y, 0), 2 / 3);
  close(tarAtFar(S, Y, 0.25), 1);
  close(tarAtFar(S, Y, 0.2), 2 / 3);
});

test('bestThreshold sits between the scores that separate best', () => {
  const b = bestThreshold(S, Y);
  close(b.accuracy, 6 / 7);
  close(b.threshold, 0.35); // accept >= 0.35: one error (the 0.7 negative)
  close(accuracyAt(S, Y, b.threshold), 6 / 7);
  close(bestThreshold([0.9, 0.1], [true, false]).threshold, 0.5);
});

test('k-fold: the threshold comes from the other folds', () => {
  // fold 0 alone would like a threshold of 0.65; the other folds pick 0.5, which fails one pair of fold 0.
  const scores = [0.6, 0.7, 0.2, 0.9, 0.1, 0.8, 0.3];
  const same = [false, true, false, true, false, true, false];
  const folds = [0, 0, 0, 1, 1, 2, 2];
  const k = kFoldAccuracy(scores, same, folds);
  assert.deepEqual(
    k.foldAccuracies.map((a) => Math.round(a * 1000) / 1000),
    [0.667, 1, 1],
  );
  close(k.accuracy, (2 / 3 + 2) / 3);
  close(k.std, Math.sqrt(((2 / 3 - k.accuracy) ** 2 + 2 * (1 - k.accuracy) ** 2) / 3));
  assert.throws(() => kFoldAccuracy([1], [true], [0]), /2 folds/);
});

test('summarize gives every figure; perfect separation scores perfectly', () => {
  const scores = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0.8 + i / 1000 : 0.1 + i / 1000));
  const same = scores.map((_, i) => i < 20);
  const s = summarize(scores, same, 10);
  assert.equal(s.accuracy, 1);
  assert.equal(s.std, 0);
  assert.equal(s.auc, 1);
  assert.equal(s.eer, 0);
  assert.equal(s.tarAtFar1e3, 1);
  assert.equal(s.pairs, 40);
  assert.ok(s.threshold > 0.14 && s.threshold < 0.8);
});

test('cosine', () => {
  close(cosine(Float32Array.of(1, 0), Float32Array.of(0, 2)), 0);
  close(cosine(Float32Array.of(1, 1), Float32Array.of(2, 2)), 1, 1e-6);
  assert.equal(cosine(Float32Array.of(0, 0), Float32Array.of(1, 0)), 0);
});

test('mismatched lengths and NaN are refused', () => {
  assert.throws(() => roc([1, 2], [true]), /length/);
  assert.throws(() => auc([NaN], [true]), /NaN/);
});
