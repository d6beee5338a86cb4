// Test (unit, engine host): contract dispatch on a real SQLite library — validation, Results, people ops with undo, events, evaluation, settings, file checks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost, type HostEvent } from '../../../../src/engine/host/host.js';
import { peoplePairs } from '../../../../src/engine/api/verify.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { FaceStore } from '../../../../src/engine/store/faces.js';

// Own temp folder (not helpers/tmp): the host saves its index on close, which must happen before the folder goes.
const dir = mkdtempSync(join(tmpdir(), 'facelens-host-'));
const dbPath = join(dir, 'library.db');
const photosDir = join(dir, 'photos');
let host: EngineHost;
const events: HostEvent[] = [];

/** Unit-ish feature near identity centre `c` (deterministic). */
function feature(c: number, i: number): Float32Array {
  const v = new Float32Array(512);
  v[c] = 1;
  for (let k = 0; k < 512; k++) v[k]! += 0.15 * Math.sin(1.7 * (i + 1) * (k + 3) + c);
  return v;
}

before(async () => {
  mkdirSync(photosDir);
  writeFileSync(join(photosDir, 'a.jpg'), 'not really a jpeg');
  writeFileSync(join(dir, 'outside.jpg'), 'secret');
  const db = openDb(dbPath);
  const faces = new FaceStore(db);
  const now = Date.now();
  db.prepare('INSERT INTO folders (id, path, added_at) VALUES (1, ?, ?)').run(photosDir, now);
  // people 1 (6 faces, identity 0), 2 (5 faces, identity 1), 3 (4 faces, identity 1); 3 unknown faces, one of low quality.
  const plan: [number | null, number, number][] = [];
  for (let i = 0; i < 6; i++) plan.push([1, 0, 0.9]);
  for (let i = 0; i < 5; i++) plan.push([2, 1, 0.9]);
  for (let i = 0; i < 4; i++) plan.push([3, 1, 0.9]);
  plan.push([null, 2, 0.9], [null, 2, 0.8], [null, 3, 0.1]);
  for (const p of [1, 2, 3]) db.prepare('INSERT INTO people (id, name, created_at) VALUES (?, NULL, ?)').run(p, now);
  plan.forEach(([person, identity, quality], i) => {
    const photo = Number(
      db.prepare("INSERT INTO photos (hash, width, height, status) VALUES (?, 640, 480, 'done')").run(`h${i}`)
        .lastInsertRowid,
    );
    if (i === 0)
      db.prepare(
        'INSERT INTO files (folder_id, path, size, mtime_ms, photo_id, seen_at) VALUES (1, ?, 17, 0, ?, 0)',
      ).run(join(photosDir, 'a.jpg'), photo);
    if (i === 1)
      db.prepare(
        'INSERT INTO files (folder_id, path, size, mtime_ms, photo_id, seen_at) VALUES (1, ?, 6, 0, ?, 0)',
      ).run(join(dir, 'outside.jpg'), photo);
    const f = feature(identity, i);
    const id = faces.insertFace(photo, {
      box: { x: 1, y: 2, w: 30, h: 30 },
      score: 0.9,
      landmarks: new Float32Array(10),
      feature: f,
      quality,
    });
    let s = 0;
    for (const x of f) s += x * x;
    faces.putEmbedding(
      id,
      1,
      f.map((x) => x / Math.sqrt(s)),
    );
    if (person)
      db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'auto', ?)").run(
        id,
        person,
        now,
      );
  });
  db.close();
  host = await EngineHost.open({ dbPath, door: 'web', checkResults: true });
  host.onEvent((e) => events.push(e));
});
after(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (m: string, a?: unknown) => host.call(m, a);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads answers loosely; the host checks them against the contract
const value = async <T = any>(m: string, a?: unknown): Promise<T> => {
  const r = await call(m, a);
  assert.ok(r.ok, `${m}: ${JSON.stringify(r)}`);
  return (r as { value: T }).value;
};

test('bad calls answer a Result with a code and never throw', async () => {
  assert.deepEqual(await call('people.explode', {}), {
    ok: false,
    error: { code: 'unknown-method', message: "no method 'people.explode' in the contract" },
  });
  const bad = await call('people.rename', { personId: 1 });
  assert.equal(!bad.ok && bad.error.code, 'invalid-args');
  const missing = await call('people.get', { personId: 999 });
  assert.equal(!missing.ok && missing.error.code, 'not-found');
  const self = await call('people.merge', { intoId: 1, fromIds: [1] });
  assert.equal(!self.ok && self.error.code, 'conflict');
});

test('lists: people by size, unknown faces apart from low-quality ones', async () => {
  const people = await value('people.list');
  assert.deepEqual(
    people.items.map((p: { faceCount: number }) => p.faceCount),
    [6, 5, 4],
  );
  assert.equal(people.total, 3);
  const page = await value('people.list', { limit: 1, offset: 1 });
  assert.equal(page.items[0].faceCount, 5);
  const unknown = await value('people.unknown');
  assert.equal(unknown.total, 2);
  const low = await value('people.unknown', { lowQuality: true });
  assert.equal(low.total, 1);
  assert.equal(low.items[0].lowQuality, true);
  const stats = await value('library.stats');
  assert.equal(stats.faces, 18);
  assert.equal(stats.unknownFaces, 2, 'unknown faces as the Unknown tab counts them');
  assert.equal(stats.lowQualityFaces, 1, 'low-quality faces apart, as the Low quality tab counts them');
});

test('rename, merge, split and undo through the host; each tells the UI people changed', async () => {
  events.length = 0;
  assert.equal((await value('people.rename', { personId: 1, name: '  Ada  ' })).name, 'Ada');
  const merged = await value('people.merge', { intoId: 2, fromIds: [3] });
  assert.equal(merged.faceCount, 9);
  const faces = await value('people.faces', { personId: 2 });
  const split = await value('people.split', {
    faceIds: faces.items.slice(0, 2).map((f: { id: number }) => f.id),
    name: 'Bo',
  });
  assert.equal(split.faceCount, 2);
  assert.equal((await value('people.get', { personId: 2 })).faceCount, 7);
  const history = await value('history.list');
  assert.deepEqual(
    history.map((h: { kind: string }) => h.kind),
    ['split', 'merge', 'rename'],
  );
  const undone = await value('history.undo');
  assert.equal(undone.entry.kind, 'split');
  assert.equal((await value('people.get', { personId: 2 })).faceCount, 9);
  assert.equal(!(await call('people.get', { personId: split.id })).ok, true, 'the split-off person is gone again');
  assert.ok(events.filter((e) => e.event === 'people.changed').length >= 4);
});

test('evaluation on the named people: genuine and impostor scores, a ROC, thresholds', async () => {
  await value('people.rename', { personId: 2, name: 'Cy' });
  const [e] = await value('verify.evaluate', { source: { kind: 'people' } });
  assert.equal(e.headId, 1);
  assert.equal(e.genuine.length + e.impostor.length, e.pairs);
  assert.equal(e.genuine.length, 15 + 36, 'every same-person pair of 6 + 9 faces');
  assert.equal(e.impostor.length, 6 * 9, 'every different-person pair (few faces)');
  assert.ok(e.auc > 0.95, `auc ${e.auc}`);
  assert.equal(e.roc.far.length, e.roc.tar.length);
  assert.ok(Math.min(...e.genuine) > Math.max(...e.impostor) - 0.3);
});

test('peoplePairs samples distinct different-person pairs when there are many', () => {
  const labels = Array.from({ length: 400 }, (_, i) => i % 20);
  const p = peoplePairs(labels, 1000);
  assert.equal(p.same.filter(Boolean).length, 500);
  const neg = p.a.map((a, k) => (p.same[k] ? '' : `${a}-${p.b[k]}`)).filter(Boolean);
  assert.equal(new Set(neg).size, neg.length, 'no pair twice');
  assert.equal(neg.length, 500);
  assert.ok(p.a.every((a, k) => (labels[a] === labels[p.b[k]!]) === p.same[k]));
});

test('settings persist in the library', async () => {
  await value('settings.set', { minQuality: 0.5 });
  const again = await EngineHost.open({ dbPath: join(dir, 'library.db'), door: 'web' });
  try {
    const r = await again.call('settings.get', {});
    assert.equal(r.ok && (r.value as { minQuality: number }).minQuality, 0.5);
  } finally {
    await again.close();
  }
  await value('settings.set', { minQuality: 0.35 });
});

test('files: a photo is served only from inside a folder the user added; thumbs only from thumbs/', async () => {
  assert.equal(await host.photoFile(1), join(photosDir, 'a.jpg'));
  assert.equal(await host.photoFile(2), undefined, 'file row points outside its folder');
  assert.equal(await host.photoFile(99), undefined);
  assert.equal(await host.photoFile(-1), undefined);
  assert.equal(await host.photoThumbFile(2), undefined, 'no thumbnail made from a file outside its folder');
  assert.equal(await host.photoThumbFile(1), undefined, 'no thumbnail of a file that is not an image');
  assert.equal(host.thumbFile(1), undefined, 'no thumbnail written');
  assert.equal(host.thumbFile(Number.NaN), undefined);
});

test('train.curves answers the seed figure for any margins', async () => {
  const [arc, cos] = await value('train.curves', {
    curves: [{ loss: 'arcface' }, { loss: 'cosface', margins: { m3: 0.35 } }],
  });
  assert.equal(arc.x.length, 181);
  assert.ok(Math.abs(arc.y[0] - Math.cos(0.5)) < 1e-9, 'theta 0: cos(m2)');
  assert.ok(Math.abs(cos.y[60] - (Math.cos(Math.PI / 3) - 0.35)) < 1e-9);
});
