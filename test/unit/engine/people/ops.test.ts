// Unit tests (engine/people): people operations on a real SQLite library; every face in one place; undo/redo exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recluster } from '../../../../src/engine/cluster/recluster.js';
import { listHistory, redo, undo } from '../../../../src/engine/store/history.js';
import {
  confirm,
  hide,
  merge,
  move,
  PeopleError,
  reject,
  rename,
  setCover,
  split,
} from '../../../../src/engine/people/ops.js';
import { assignment, seedLibrary, snapshot } from '../cluster/seed.js';

function clustered() {
  const s = seedLibrary({ identities: 6, faces: 90, seed: 3 });
  recluster(s.db);
  const people = (
    s.db.prepare('SELECT DISTINCT person_id AS p FROM face_people ORDER BY p').all() as { p: number }[]
  ).map((r) => r.p);
  const facesOf = (p: number) =>
    (s.db.prepare('SELECT face_id AS f FROM face_people WHERE person_id = ? ORDER BY f').all(p) as { f: number }[]).map(
      (r) => r.f,
    );
  return { ...s, people, facesOf };
}

/** Every face sits in at most one person (the key says so) and the set of placed faces is what we expect. */
function assertPlaced(db: Parameters<typeof assignment>[0], expected: Set<number>) {
  const a = assignment(db);
  assert.deepEqual(new Set(a.keys()), expected);
  const dangling = db
    .prepare('SELECT count(*) AS n FROM face_people fp LEFT JOIN people p ON p.id = fp.person_id WHERE p.id IS NULL')
    .get() as { n: number };
  assert.equal(dangling.n, 0);
}

test('merge, split and move keep every face in exactly one place', () => {
  const { db, people, facesOf } = clustered();
  assert.ok(people.length >= 4);
  const placed = new Set(assignment(db).keys());
  const [a, b, c] = people as [number, number, number];
  const sizeA = facesOf(a).length;
  const sizeB = facesOf(b).length;
  merge(db, a, [b]);
  assertPlaced(db, placed);
  assert.equal(facesOf(a).length, sizeA + sizeB);
  assert.equal(db.prepare('SELECT 1 FROM people WHERE id = ?').get(b), undefined);

  const chosen = facesOf(a).slice(0, 3);
  const np = split(db, chosen, 'Newcomer');
  assertPlaced(db, placed);
  assert.deepEqual(facesOf(np.id), chosen);
  assert.equal(facesOf(a).length, sizeA + sizeB - 3);

  move(db, [chosen[0]!], c);
  assertPlaced(db, placed);
  assert.ok(facesOf(c).includes(chosen[0]!));
  assert.ok(!facesOf(np.id).includes(chosen[0]!));
  db.close();
});

test('undo restores each step exactly and redo replays it; a new op ends the redo chain', () => {
  const { db, people, facesOf } = clustered();
  const [a, b, c] = people as [number, number, number];
  const states = [snapshot(db)];
  rename(db, a, 'Ann');
  states.push(snapshot(db));
  merge(db, a, [b]);
  states.push(snapshot(db));
  split(db, facesOf(a).slice(0, 2), 'Bo');
  states.push(snapshot(db));
  move(db, facesOf(c).slice(0, 1), a);
  states.push(snapshot(db));
  reject(db, a, facesOf(a).slice(-1));
  states.push(snapshot(db));
  confirm(db, c, facesOf(c).slice(0, 2));
  states.push(snapshot(db));
  hide(db, c, true);
  states.push(snapshot(db));
  assert.deepEqual(
    listHistory(db).map((e) => e.kind),
    ['hide', 'confirm', 'reject', 'move', 'split', 'merge', 'rename', 'recluster'],
  );
  for (let i = states.length - 2; i >= 0; i--) {
    assert.ok(undo(db));
    assert.deepEqual(snapshot(db), states[i], `after undoing to state ${i}`);
  }
  assert.equal(undo(db)?.kind, 'recluster');
  assert.equal(undo(db), undefined);
  assert.equal(assignment(db).size, 0);
  redo(db);
  assert.deepEqual(snapshot(db), states[0]);
  for (let i = 1; i < states.length; i++) {
    assert.ok(redo(db));
    assert.deepEqual(snapshot(db), states[i], `after redoing to state ${i}`);
  }
  assert.equal(redo(db), undefined);
  undo(db);
  undo(db);
  rename(db, c, 'Cy');
  assert.equal(redo(db), undefined, 'redo after a new op');
  db.close();
});

test('a re-cluster can be undone in one step', () => {
  const { db } = clustered();
  const before = snapshot(db);
  db.prepare('DELETE FROM face_people').run();
  db.prepare('DELETE FROM people').run();
  const empty = snapshot(db);
  recluster(db);
  assert.notDeepEqual(snapshot(db), empty);
  undo(db);
  assert.deepEqual(snapshot(db), empty);
  redo(db);
  assert.deepEqual(
    (snapshot(db) as { face_people: unknown[] }).face_people.length,
    (before as { face_people: unknown[] }).face_people.length,
  );
  db.close();
});

test('bad requests fail clearly and change nothing', () => {
  const { db, people, facesOf } = clustered();
  const before = snapshot(db);
  const [a, b] = people as [number, number];
  assert.throws(
    () => merge(db, a, [a]),
    (e: unknown) => e instanceof PeopleError && e.code === 'conflict',
  );
  assert.throws(
    () => merge(db, a, [999999]),
    (e: unknown) => e instanceof PeopleError && e.code === 'not-found',
  );
  assert.throws(() => move(db, [999999], a), /face 999999 does not exist/);
  assert.throws(() => rename(db, a, '   '), /empty/);
  assert.throws(() => setCover(db, a, facesOf(b)[0]!), /not in/);
  assert.deepEqual(snapshot(db), before);
  assert.equal(listHistory(db).length, 1, 'only the initial re-cluster is in the history');
  setCover(db, a, facesOf(a)[1]!);
  assert.equal(
    (db.prepare('SELECT cover_face_id AS c FROM people WHERE id = ?').get(a) as { c: number }).c,
    facesOf(a)[1],
  );
  db.close();
});

test('reject takes the face out of the person and remembers it; confirm lifts it', () => {
  const { db, people, facesOf } = clustered();
  const a = people[0]!;
  const f = facesOf(a)[0]!;
  reject(db, a, [f]);
  assert.ok(!facesOf(a).includes(f));
  assert.ok(db.prepare('SELECT 1 FROM face_rejections WHERE face_id = ? AND person_id = ?').get(f, a));
  confirm(db, a, [f]);
  assert.ok(facesOf(a).includes(f));
  assert.equal(db.prepare('SELECT 1 FROM face_rejections WHERE face_id = ? AND person_id = ?').get(f, a), undefined);
  db.close();
});

test('undoing a split after new faces joined the new person leaves those faces unknown, never a broken link', () => {
  const { db, people, facesOf } = clustered();
  const a = people[0]!;
  const all = facesOf(a);
  const moved = all.slice(0, 4);
  // one of A's other faces goes to nobody, then the split, then it is assigned again and may join the new person
  const loose = all[4]!;
  db.prepare('DELETE FROM face_people WHERE face_id = ?').run(loose);
  const np = split(db, moved, 'New');
  db.prepare(`INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'auto', 0)`).run(loose, np.id);
  undo(db);
  assert.equal(db.prepare('SELECT 1 FROM people WHERE id = ?').get(np.id), undefined);
  assert.equal(assignment(db).get(loose), undefined);
  for (const f of moved) assert.equal(assignment(db).get(f), a);
  assert.equal((db.pragma('foreign_key_check') as unknown[]).length, 0);
  db.close();
});
