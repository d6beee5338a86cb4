// Unit tests (engine/people): the order the app asks its questions in (nextQuestions), on a real SQLite library.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recluster } from '../../../../src/engine/cluster/recluster.js';
import { confirm, reject, rename } from '../../../../src/engine/people/ops.js';
import { nextQuestions, suggestOptions } from '../../../../src/engine/people/suggest.js';
import { insertFaces, seedLibrary } from '../cluster/seed.js';

const dim = 512;
/** Unit rows: `a` on axis x, `b` on axis y, the rest on a private axis. */
function rows(specs: [number, number, number, number][]): Float32Array {
  const v = new Float32Array(specs.length * dim);
  specs.forEach(([x, a, y, b], i) => {
    const own = 100 + i;
    const rest = Math.sqrt(Math.max(0, 1 - a * a - b * b));
    v[i * dim + x] = a;
    if (b) v[i * dim + y] = b;
    v[i * dim + own] = rest;
  });
  return v;
}

test('unnamed groups are asked about largest first, before any "Is this X?"', async () => {
  const { db } = seedLibrary({ identities: 6, faces: 90, seed: 12 });
  recluster(db);
  let q = await nextQuestions(db, 100);
  assert.ok(q.length >= 5);
  assert.ok(
    q.every((x) => x.kind === 'name'),
    'a suggestion with nobody named',
  );
  for (let i = 1; i < q.length; i++) assert.ok(q[i - 1]!.gain >= q[i]!.gain);
  const first = q[0]!;
  assert.equal(first.kind, 'name');
  rename(db, first.personId, 'Zoe');
  q = await nextQuestions(db, 100);
  assert.ok(!q.some((x) => x.kind === 'name' && x.personId === first.personId), 'asked to name Zoe again');
  const names = q.filter((x) => x.kind === 'name');
  assert.ok(names.every((x) => x.kind === 'name' && x.closest[0]?.name === 'Zoe'));
  const lastName = q.map((x) => x.kind).lastIndexOf('name');
  const firstSuggest = q.findIndex((x) => x.kind === 'suggest');
  assert.ok(firstSuggest < 0 || firstSuggest > lastName, 'a suggestion before a group of two or more faces');
  db.close();
});

test('"Is this X?" comes first for faces close to X alone, later for faces as close to X and Y; answers count at once', async () => {
  const { db } = seedLibrary({ identities: 1, faces: 2, seed: 1 });
  db.prepare('DELETE FROM faces').run();
  // X: six faces on axis 0; Y: six faces on axis 1; u near X only; w near X and Y; z far from everyone
  const spec: [number, number, number, number][] = [
    ...Array.from({ length: 6 }, () => [0, 0.9, 1, 0] as [number, number, number, number]),
    ...Array.from({ length: 6 }, () => [1, 0.9, 0, 0] as [number, number, number, number]),
    [0, 0.5, 1, 0],
    [0, 0.45, 1, 0.45],
    [0, 0.15, 1, 0],
  ];
  const { faceIds } = insertFaces(
    db,
    rows(spec),
    dim,
    spec.map((_, i) => i),
  );
  const [u, w, z] = faceIds.slice(12);
  const x = Number(db.prepare("INSERT INTO people (name, created_at) VALUES ('X', 0)").run().lastInsertRowid);
  const y = Number(db.prepare("INSERT INTO people (name, created_at) VALUES ('Y', 0)").run().lastInsertRowid);
  confirm(db, x, faceIds.slice(0, 6));
  confirm(db, y, faceIds.slice(6, 12));
  let q = await nextQuestions(db, 10);
  const about = (f: number) => q.find((s) => s.kind === 'suggest' && s.faceId === f);
  assert.equal(about(u!)?.personId, x);
  assert.ok(about(w), 'the face between X and Y is never asked about');
  assert.ok(about(u)!.gain > about(w)!.gain, 'the uncertain face came first');
  assert.equal(about(z!), undefined, `asked about a face below the chance of ${suggestOptions.minChance}`);
  assert.equal(q[0]!.kind === 'suggest' && q[0]!.faceId, u);
  // "no, that is not X": the next question about w is the other person; u's rejection removes it for good
  reject(db, x, [u!]);
  const wWas = about(w!)!.personId;
  reject(db, wWas, [w!]);
  q = await nextQuestions(db, 10);
  assert.equal(about(u!), undefined);
  assert.equal(about(w!)?.personId, wWas === x ? y : x);
  db.close();
});

test('a group of two is asked about only as a likely part of someone named', async () => {
  const { db } = seedLibrary({ identities: 1, faces: 2, seed: 1 });
  db.prepare('DELETE FROM faces').run();
  // X: six faces on axis 0; a pair near X; a pair of someone else (axis 5); a group of three of someone else (axis 6)
  const spec: [number, number, number, number][] = [
    ...Array.from({ length: 6 }, () => [0, 0.9, 1, 0] as [number, number, number, number]),
    [0, 0.8, 1, 0],
    [0, 0.8, 1, 0],
    [5, 0.9, 1, 0],
    [5, 0.9, 1, 0],
    [6, 0.9, 1, 0],
    [6, 0.9, 1, 0],
    [6, 0.9, 1, 0],
  ];
  const { faceIds } = insertFaces(
    db,
    rows(spec),
    dim,
    spec.map((_, i) => i),
  );
  const person = (name: string | null, faces: number[]) => {
    const p = Number(db.prepare('INSERT INTO people (name, created_at) VALUES (?, 0)').run(name).lastInsertRowid);
    for (const f of faces)
      db.prepare(`INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'auto', 0)`).run(f, p);
    return p;
  };
  person('X', faceIds.slice(0, 6));
  const nearX = person(null, faceIds.slice(6, 8));
  const stranger = person(null, faceIds.slice(8, 10));
  const three = person(null, faceIds.slice(10, 13));
  const q = await nextQuestions(db, 20);
  const name = (p: number) => q.find((x) => x.kind === 'name' && x.personId === p);
  assert.equal(name(three)?.gain, 3);
  assert.ok(name(nearX), 'the pair close to X is not asked about');
  assert.ok(name(nearX)!.gain < 2 && name(nearX)!.gain > 0);
  assert.equal(name(stranger), undefined, 'a pair close to nobody named is pushed on the user');
  db.close();
});
