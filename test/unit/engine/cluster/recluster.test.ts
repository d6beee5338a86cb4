// Unit tests (engine/cluster): re-clustering a real SQLite library keeps every correction; preview; incremental; gate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignNewFaces } from '../../../../src/engine/cluster/incremental.js';
import { recluster } from '../../../../src/engine/cluster/recluster.js';
import { gaussian, rng, syntheticFaces } from '../../../../src/engine/cluster/synthetic.js';
import { confirm, merge, reject, rename, split } from '../../../../src/engine/people/ops.js';
import { nameQueue, suggestions } from '../../../../src/engine/people/suggest.js';
import { thresholdReport } from '../../../../src/engine/cluster/thresholds.js';
import { assignment, insertFaces, seedLibrary, snapshot } from './seed.js';

const personOf = (db: Parameters<typeof assignment>[0], f: number) => assignment(db).get(f) ?? 0;
const facesOf = (db: Parameters<typeof assignment>[0], p: number) =>
  (db.prepare('SELECT face_id AS f FROM face_people WHERE person_id = ? ORDER BY f').all(p) as { f: number }[]).map(
    (r) => r.f,
  );

test('the same library clusters the same way every time', () => {
  const a = seedLibrary({ identities: 8, faces: 120, seed: 4 });
  const b = seedLibrary({ identities: 8, faces: 120, seed: 4 });
  recluster(a.db);
  recluster(b.db);
  assert.deepEqual(snapshot(a.db), {
    ...(snapshot(b.db) as object),
    people: (snapshot(a.db) as { people: unknown }).people,
  });
  assert.deepEqual([...assignment(a.db)], [...assignment(b.db)]);
  // a second re-cluster of an unchanged library moves nothing
  const again = recluster(a.db, { preview: true });
  assert.equal(again.plan.facesMoved, 0);
  a.db.close();
  b.db.close();
});

test('confirmations, rejections, merges, splits and names survive a re-cluster', () => {
  const { db, faceIds, labels } = seedLibrary({ identities: 6, faces: 90, seed: 9 });
  recluster(db);
  const of = (id: number) => faceIds.filter((_, i) => labels[i] === id);
  const pA = personOf(db, of(0)[0]!);
  const pB = personOf(db, of(1)[0]!);
  const pC = personOf(db, of(2)[0]!);
  assert.ok(pA && pB && pC && new Set([pA, pB, pC]).size === 3);
  rename(db, pA, 'Ann');
  // the user insists identities 1 and 2 are one person (a merge the embeddings disagree with)
  merge(db, pB, [pC]);
  // a face of identity 3 is "Ann" (confirmation against the embeddings), another face of Ann is "not Ann"
  const stranger = of(3)[0]!;
  confirm(db, pA, [stranger]);
  const notAnn = of(0)[1]!;
  reject(db, pA, [notAnn]);
  // split two faces of identity 4 off into their own named person
  const pair = of(4).slice(0, 2);
  const pS = split(db, pair, 'Sam');
  const before = snapshot(db);

  const preview = recluster(db, { preview: true });
  assert.deepEqual(snapshot(db), before, 'a preview changes nothing');
  recluster(db);
  assert.equal(personOf(db, stranger), pA, 'confirmation kept');
  assert.notEqual(personOf(db, notAnn), pA, 'rejection kept');
  assert.equal((db.prepare('SELECT name FROM people WHERE id = ?').get(pA) as { name: string }).name, 'Ann');
  for (const f of [...of(1), ...of(2)]) assert.equal(personOf(db, f), pB, `merge kept for face ${f}`);
  for (const f of pair) assert.equal(personOf(db, f), pS.id, 'split kept');
  for (const f of of(0)) if (f !== notAnn) assert.equal(personOf(db, f), pA, 'Ann keeps her faces');
  assert.ok(preview.plan.facesMoved >= 0);
  db.close();
});

test('the preview says what will change before it changes it', () => {
  const { db } = seedLibrary({ identities: 5, faces: 60, seed: 2 });
  const p = recluster(db, { preview: true });
  assert.equal(p.plan.peopleBefore, 0);
  assert.equal(p.plan.newPeople, 5);
  assert.equal(p.plan.peopleAfter, 5);
  assert.equal(assignment(db).size, 0);
  const applied = recluster(db);
  assert.equal(applied.applied!.people, 5);
  assert.equal(assignment(db).size, p.plan.facesMoved);
  db.close();
});

test('new faces join existing people without a re-cluster; strangers form a new group or stay unknown', () => {
  const s = syntheticFaces({ identities: 7, faces: 140, sameCos: 0.6, sameCosSpread: 0.15, seed: 21 });
  const { db } = seedLibrary({ identities: 1, faces: 2, seed: 1 });
  db.prepare('DELETE FROM faces').run();
  // first import: identities 0..4
  const first = Array.from(s.labels.keys()).filter((i) => s.labels[i]! < 5 && i % 2 === 0);
  const pick = (idx: number[]) => {
    const v = new Float32Array(idx.length * 512);
    idx.forEach((i, j) => v.set(s.vectors.subarray(i * 512, (i + 1) * 512), j * 512));
    return v;
  };
  const a = insertFaces(db, pick(first), 512, first);
  recluster(db);
  const before = snapshot(db);
  const personByIdentity = new Map<number, number>();
  first.forEach((i, j) => personByIdentity.set(s.labels[i]!, personOf(db, a.faceIds[j]!)));
  // second import: more faces of 0..4 and all faces of 5 and 6 (new people), one of them alone in its photo
  const second = Array.from(s.labels.keys()).filter((i) => !first.includes(i));
  const b = insertFaces(
    db,
    pick(second),
    512,
    second.map((i) => 10_000 + i),
  );
  const unknownBefore = a.faceIds.filter((f) => !personOf(db, f)).length;
  const r = assignNewFaces(db);
  // the new faces, and the first import's faces that fit nobody then (the small-group rule leaves a few)
  assert.equal(r.considered, second.length + unknownBefore);
  // nothing already placed moved
  const after = assignment(db);
  for (const row of (before as { face_people: { face_id: number; person_id: number }[] }).face_people)
    assert.equal(after.get(row.face_id), row.person_id);
  let right = 0;
  let known = 0;
  second.forEach((i, j) => {
    const id = s.labels[i]!;
    const p = after.get(b.faceIds[j]!) ?? 0;
    if (id < 5) {
      known++;
      if (p === personByIdentity.get(id)) right++;
    }
  });
  assert.ok(right / known > 0.9, `joined the right person: ${right}/${known}`);
  assert.ok(r.newPeople >= 2, `new people ${r.newPeople}`);
  db.close();
});

test('a face is never assigned or suggested into a person its photo already shows, nor one it was rejected from', () => {
  const s = syntheticFaces({ identities: 3, faces: 45, sameCos: 0.6, sameCosSpread: 0.15, seed: 8 });
  const { db } = seedLibrary({ identities: 1, faces: 2, seed: 1 });
  db.prepare('DELETE FROM faces').run();
  const photos = Array.from(s.photos);
  const of0 = Array.from(s.labels.keys()).filter((i) => s.labels[i] === 0);
  // two faces of identity 0 share a photo with a third face of identity 0 that is already placed
  photos[of0[1]!] = photos[of0[0]!]!;
  const ids = insertFaces(db, s.vectors, 512, photos).faceIds;
  recluster(db);
  const p0 = personOf(db, ids[of0[0]!]!) || personOf(db, ids[of0[1]!]!);
  assert.ok(p0);
  assert.ok(
    !(personOf(db, ids[of0[0]!]!) === p0 && personOf(db, ids[of0[1]!]!) === p0),
    'same photo twice in one person',
  );
  const outside = [ids[of0[0]!]!, ids[of0[1]!]!].find((f) => personOf(db, f) !== p0)!;
  assert.ok(
    !suggestions(db, p0, 100).some((x) => x.faceId === outside),
    'suggested a face whose photo already shows the person',
  );
  // reject a face of person p0; it never comes back, not in suggestions, not in assignment, not after a re-cluster
  const victim = facesOf(db, p0).find((f) => f !== ids[of0[0]!] && f !== ids[of0[1]!])!;
  reject(db, p0, [victim]);
  assert.ok(!suggestions(db, p0, 100).some((x) => x.faceId === victim));
  assignNewFaces(db);
  assert.notEqual(personOf(db, victim), p0);
  recluster(db);
  assert.notEqual(personOf(db, victim), p0);
  db.close();
});

test('suggestions rank faces by similarity; the name queue lists unnamed groups largest first with the closest named people', () => {
  const { db, faceIds, labels } = seedLibrary({ identities: 5, faces: 80, seed: 12 });
  recluster(db);
  const of = (id: number) => faceIds.filter((_, i) => labels[i] === id);
  const p0 = personOf(db, of(0)[0]!);
  rename(db, p0, 'Zoe');
  // take three of Zoe's faces out of her (unknown) so they are what suggestions should find first
  const out = of(0).slice(0, 3);
  db.prepare(`DELETE FROM face_people WHERE face_id IN (${out.join(',')})`).run();
  const sug = suggestions(db, p0, 10);
  assert.deepEqual(new Set(sug.slice(0, 3).map((x) => x.faceId)), new Set(out));
  for (let i = 1; i < sug.length; i++) assert.ok(sug[i - 1]!.similarity >= sug[i]!.similarity);
  const q = nameQueue(db);
  assert.ok(q.length >= 3);
  for (let i = 1; i < q.length; i++) assert.ok(q[i - 1]!.faceCount >= q[i]!.faceCount);
  assert.ok(q.every((g) => g.personId !== p0 && g.closest[0]?.name === 'Zoe'));
  db.close();
});

test('the quality gate: low-quality faces cannot glue two people together; they join a person late or stay unknown', () => {
  const dim = 512;
  const g = gaussian(rng(5));
  const unit = (f: (d: number) => number) => {
    const v = Float32Array.from({ length: dim }, (_, d) => f(d));
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const noise = () => unit(() => g());
  const faces: Float32Array[] = [];
  const quality: number[] = [];
  // three blurry faces halfway between A and B come first (so the baseline meets them first), then A, B, and junk
  for (let i = 0; i < 3; i++) {
    const u = noise();
    faces.push(unit((d) => (d === 0 || d === 1 ? 1 : 0) + 0.25 * u[d]!));
    quality.push(0.1);
  }
  for (const axis of [0, 1]) {
    for (let i = 0; i < 8; i++) {
      const u = noise();
      faces.push(unit((d) => (d === axis ? 1 : 0) + 0.6 * u[d]!));
      quality.push(0.9);
    }
  }
  faces.push(noise());
  quality.push(0.05);
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
  const [a0, b0] = [ids[3]!, ids[11]!];
  // without the gate, the density baseline chains A and B through the blurry faces
  const open = recluster(db, { algorithm: 'density', minQuality: 0, preview: true });
  const at = (f: number) => open.plan.target[open.plan.faceIds.indexOf(f)];
  assert.equal(at(a0), at(b0), 'expected the ungated baseline to glue A and B');
  for (const algorithm of ['density', 'linkage']) {
    const r = recluster(db, { algorithm });
    assert.equal(r.gated, 4);
    assert.notEqual(personOf(db, a0), personOf(db, b0), `${algorithm}: A and B glued`);
    for (let i = 3; i < 19; i++) assert.equal(personOf(db, ids[i]!), personOf(db, i < 11 ? a0 : b0));
    assert.equal(personOf(db, ids[19]!), 0, 'junk joined someone');
    for (let i = 0; i < 3; i++)
      assert.ok(
        [personOf(db, a0), personOf(db, b0)].includes(personOf(db, ids[i]!)),
        'a blurry face near A and B joins one of them late',
      );
  }
  // a face the user placed is kept, whatever its quality
  const was = personOf(db, ids[0]!);
  reject(db, was, [ids[0]!]);
  confirm(db, personOf(db, b0), [ids[19]!]);
  recluster(db);
  assert.equal(personOf(db, ids[19]!), personOf(db, b0));
  assert.notEqual(personOf(db, ids[0]!), was, 'a rejected low-quality face came back');
  db.close();
});

test('thresholds are explained as TAR and FAR on the named people, counted exactly', () => {
  const { db, faceIds, labels } = seedLibrary({ identities: 4, faces: 60, seed: 17 });
  const none = thresholdReport(db, [{ name: 't', value: 0.3 }]);
  assert.deepEqual(none.points, [], 'no named people, no ROC');
  recluster(db);
  const of = (id: number) => faceIds.filter((_, i) => labels[i] === id);
  for (const id of [0, 1, 2]) rename(db, personOf(db, of(id)[0]!), `P${id}`);
  const r = thresholdReport(db, [
    { name: 'low', value: -1 },
    { name: 'mid', value: 0.3 },
    { name: 'high', value: 2 },
  ]);
  assert.equal(r.people, 3);
  const named = of(0).length + of(1).length + of(2).length;
  assert.equal(r.genuine, named);
  assert.equal(r.impostor, 2 * named);
  assert.deepEqual([r.points[0]!.tar, r.points[0]!.far], [1, 1]);
  assert.deepEqual([r.points[2]!.tar, r.points[2]!.far], [0, 0]);
  assert.ok(r.points[1]!.tar > 0.9 && r.points[1]!.far < 0.05, JSON.stringify(r.points[1]));
  assert.ok(r.auc! > 0.99);
  db.close();
});
