// Unit tests (engine/people): the look-alike separation report: histograms, false-match rate, another head's embeddings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityEmbedder } from '../../../../src/engine/arcface/embedder.js';
import { recluster } from '../../../../src/engine/cluster/recluster.js';
import { rename } from '../../../../src/engine/people/ops.js';
import { separation } from '../../../../src/engine/people/separation.js';
import { assignment, seedLibrary } from '../cluster/seed.js';

test('separation counts every cross and within pair, and its rates move with the threshold', () => {
  const { db, faceIds, labels } = seedLibrary({ identities: 3, faces: 45, seed: 23 });
  recluster(db);
  const a = assignment(db);
  const pa = a.get(faceIds[labels.indexOf(0)]!)!;
  const pb = a.get(faceIds[labels.indexOf(1)]!)!;
  rename(db, pa, 'Ann');
  const na = [...a.values()].filter((p) => p === pa).length;
  const nb = [...a.values()].filter((p) => p === pb).length;
  const r = separation(db, pa, pb);
  assert.equal(r.a.name, 'Ann');
  assert.equal(r.histogram.cross.reduce((s, x) => s + x, 0), na * nb);
  assert.equal(r.histogram.within.reduce((s, x) => s + x, 0), (na * (na - 1)) / 2 + (nb * (nb - 1)) / 2);
  assert.ok(r.falseMatchRate < 0.05 && r.trueMatchRate > 0.9, JSON.stringify({ f: r.falseMatchRate, t: r.trueMatchRate }));
  assert.equal(separation(db, pa, pb, { threshold: -1.01 }).falseMatchRate, 1);
  assert.equal(separation(db, pa, pb, { threshold: 1.01 }).trueMatchRate, 0);
  // the identity head recomputes the same figures from the stored backbone features
  const viaHead = separation(db, pa, pb, { embedder: identityEmbedder(1) });
  assert.ok(Math.abs(viaHead.meanCross - r.meanCross) < 1e-5);
  assert.throws(() => separation(db, pa, 99999), /does not exist/);
  db.close();
});
