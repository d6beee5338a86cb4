// Unit tests (engine/cluster): low-quality faces join people late, never more of them than a person's own faces (real SQLite library).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignNewFaces } from '../../../../src/engine/cluster/incremental.js';
import { recluster } from '../../../../src/engine/cluster/recluster.js';
import { assignment, insertFaces, seedLibrary } from './seed.js';

const DIM = 32;
const axis = (d: number) => Array.from({ length: DIM }, (_, i) => (i === d ? 1 : 0));
/** c * a + sqrt(1 - c^2) * b: cosine c with a when a and b are orthogonal unit vectors. */
const mix = (a: number[], b: number[], c: number) => a.map((x, i) => c * x + Math.sqrt(1 - c * c) * b[i]!);

/**
 * Two groups of faces that pass the gate: a pair (quality 0.5, cosine 0.81 to each other) and a person of six
 * (quality 1), each with five gated faces (quality 0.1) that resemble it, at falling cosines; one photo per face.
 */
function scene() {
  const { db } = seedLibrary({ identities: 1, faces: 0 });
  const pairBase = axis(0);
  const sixBase = axis(1);
  let free = 2;
  const rows: number[][] = [];
  const quality: number[] = [];
  const add = (v: number[], q: number) => (rows.push(v), quality.push(q), rows.length - 1);
  const pair = [0, 1].map(() => add(mix(pairBase, axis(free++), 0.9), 0.5));
  const six = [0, 1, 2, 3, 4, 5].map(() => add(mix(sixBase, axis(free++), 0.9), 1));
  const cs = [0.8, 0.75, 0.7, 0.65, 0.6];
  const pairLow = cs.map((c) => add(mix(pairBase, axis(free++), c), 0.1));
  const sixLow = cs.map((c) => add(mix(sixBase, axis(free++), c), 0.1));
  const v = new Float32Array(rows.flat());
  const { faceIds } = insertFaces(
    db,
    v,
    DIM,
    rows.map((_, i) => i),
    (i) => quality[i]!,
  );
  const ids = (rs: number[]) => rs.map((r) => faceIds[r]!);
  return { db, pair: ids(pair), six: ids(six), pairLow: ids(pairLow), sixLow: ids(sixLow) };
}

test('a re-cluster: a pair of faces takes the two gated faces most like it, a person of six all five', () => {
  const s = scene();
  const { plan } = recluster(s.db, { preview: true });
  const to = (f: number) => plan.target[Array.from(plan.faceIds).indexOf(f)]!;
  const pair = to(s.pair[0]!);
  const six = to(s.six[0]!);
  assert.ok(pair !== 0 && to(s.pair[1]!) === pair, 'the pair is a group');
  assert.ok(six !== 0 && six !== pair && s.six.every((f) => to(f) === six), 'the six are a person');
  assert.deepEqual(
    s.pairLow.map(to),
    [pair, pair, 0, 0, 0],
    'the pair takes as many gated faces as it has faces, the closest',
  );
  assert.deepEqual(
    s.sixLow.map(to),
    s.sixLow.map(() => six),
    'a person of six takes its five',
  );
  s.db.close();
});

test('the import does the same: incremental assignment caps what a new group takes late', () => {
  const s = scene();
  assignNewFaces(s.db);
  const a = assignment(s.db);
  const pair = a.get(s.pair[0]!)!;
  const six = a.get(s.six[0]!)!;
  assert.ok(pair && six && pair !== six);
  assert.deepEqual(
    s.pairLow.map((f) => a.get(f) ?? 0),
    [pair, pair, 0, 0, 0],
  );
  assert.deepEqual(
    s.sixLow.map((f) => a.get(f) ?? 0),
    s.sixLow.map(() => six),
  );
  s.db.close();
});
