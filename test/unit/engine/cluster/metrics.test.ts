// Unit tests (engine/cluster): pairwise and BCubed precision/recall/F, NMI and the unknown share, on hand-worked cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupPurity, scoreClustering } from '../../../../src/engine/cluster/metrics.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

test('a perfect clustering scores 1 everywhere, whatever the label names', () => {
  const s = scoreClustering([0, 0, 1, 1, 2], [7, 7, 3, 3, 9]);
  for (const k of ['pairwiseP', 'pairwiseR', 'bcubedP', 'bcubedR', 'bcubedF', 'nmi'] as const) close(s[k], 1);
  assert.equal(s.clusters, 3);
  assert.equal(s.identities, 3);
  assert.equal(s.unknownShare, 0);
});

test('one big cluster: full recall, precision by hand', () => {
  // truth {a,a,b,b}; predicted all together: pairs 6, true pairs 2
  const s = scoreClustering([0, 0, 1, 1], [0, 0, 0, 0]);
  close(s.pairwiseP, 2 / 6);
  close(s.pairwiseR, 1);
  close(s.bcubedP, 0.5); // each face: 2 of 4 share its identity
  close(s.bcubedR, 1);
  close(s.nmi, 0);
});

test('unknown faces count as singletons: precision kept, recall lost', () => {
  const s = scoreClustering([0, 0, 0, 1], [0, 0, -1, -1]);
  close(s.pairwiseP, 1);
  close(s.pairwiseR, 1 / 3); // true pairs: 3 (a), found 1
  close(s.bcubedR, (2 / 3 + 2 / 3 + 1 / 3 + 1) / 4);
  close(s.unknownShare, 0.5);
  assert.equal(s.clusters, 1);
});

test('group purity: small and large groups counted apart, judged on their labelled faces only', () => {
  // truth: -1 = no label; group: 0 = in no group
  const truth = [1, 1, 2, 3, 3, 3, 4, -1, 5, -1, -1, 6];
  const group = [7, 7, 8, 9, 9, 9, 9, 8, 10, 10, 11, 0];
  const g = groupPurity(truth, group);
  // group 7: a pure pair; 8: one labelled face and an unlabelled one (not judged); 9: four faces, two people;
  // 10: one labelled, one not (not judged); 11 and the face in no group are not groups of two
  assert.deepEqual(g.small, { groups: 3, judged: 1, pure: 1 });
  assert.deepEqual(g.large, { groups: 1, judged: 1, pure: 0 });
});
