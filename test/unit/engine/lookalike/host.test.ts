// Test (unit, engine host): the look-alike contract methods on a real SQLite library: separation, a fine-tune job, its stored before/after.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { l2normalize } from '../../../../src/engine/vectors.js';
import { gaussian } from '../../../../src/engine/arcface/head-weights.js';
import { EngineHost, type HostEvent } from '../../../../src/engine/host/host.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { insertFaces } from '../cluster/seed.js';

// Own temp folder (not helpers/tmp): the host saves its index on close, which must happen before the folder goes.
const dir = mkdtempSync(join(tmpdir(), 'facelens-lookalike-host-'));
const dbPath = join(dir, 'library.db');
let host: EngineHost;
const events: HostEvent[] = [];
const DIM = 512;

before(async () => {
  const db = openDb(dbPath);
  // Ann and Bea are look-alikes (centres at cosine 0.8), Cy and Di are strangers; 12 faces each.
  const centres = [{ 0: 1 }, { 0: 0.8, 1: 0.6 }, { 2: 1 }, { 3: 1 }];
  const names = ['Ann', 'Bea', 'Cy', 'Di'];
  centres.forEach((c, p) => {
    const g = gaussian(12 * DIM, 0.012, 100 + p);
    const vecs = new Float32Array(12 * DIM);
    for (let i = 0; i < 12; i++) {
      const v = new Float32Array(DIM);
      for (const [k, x] of Object.entries(c)) v[Number(k)] = x;
      for (let d = 0; d < DIM; d++) v[d]! += g[i * DIM + d]!;
      vecs.set(l2normalize(v), i * DIM);
    }
    const { faceIds } = insertFaces(
      db,
      vecs,
      DIM,
      Array.from({ length: 12 }, (_, i) => 1000 * p + i),
    );
    const person = Number(
      db.prepare('INSERT INTO people (name, created_at) VALUES (?, 0)').run(names[p]).lastInsertRowid,
    );
    for (const f of faceIds)
      db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'user', 0)").run(f, person);
  });
  db.close();
  host = await EngineHost.open({ dbPath, door: 'web', checkResults: true });
  host.onEvent((e) => events.push(e));
});
after(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely; the host checks results against the contract
const value = async <T = any>(m: string, a?: unknown): Promise<T> => {
  const r = await host.call(m, a);
  assert.ok(r.ok, `${m}: ${JSON.stringify(r)}`);
  return (r as { value: T }).value;
};

test('lookalike.separation: histograms and rates of two people; bad pairs answer codes', async () => {
  const s = await value('lookalike.separation', { a: 1, b: 2 });
  assert.equal(s.a.name, 'Ann');
  assert.equal(s.stats.impostor.pairs, 144);
  assert.equal(s.stats.rates.find((r: { name: string }) => r.name === 'assignment').pairFmr, 1);
  const missing = await host.call('lookalike.separation', { a: 1, b: 99 });
  assert.equal(!missing.ok && missing.error.code, 'not-found');
  const same = await host.call('lookalike.separation', { a: 1, b: 1 });
  assert.equal(!same.ok && same.error.code, 'conflict');
});

test('lookalike.fineTune runs as a train job, stores an inactive head, and lookalike.report gives its before/after', async () => {
  const { jobId } = await value('lookalike.fineTune', { a: 1, b: 2, epochs: 10 });
  const last = await new Promise<HostEvent>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no end event in 60 s')), 60_000);
    const check = setInterval(() => {
      const e = events.find(
        (x) => x.event === 'job.progress' && x.payload.jobId === jobId && x.payload.status !== 'running',
      );
      if (e) {
        clearTimeout(t);
        clearInterval(check);
        resolve(e);
      }
    }, 50);
  });
  assert.equal(last.event, 'job.progress');
  const p = last.payload as { status: string; headId: number | null; message: string | null };
  assert.equal(p.status, 'complete', p.message ?? '');
  assert.ok(p.headId);
  const r = await value('lookalike.report', { headId: p.headId });
  assert.equal(r.headId, p.headId);
  assert.equal(r.split.test.a, 6);
  assert.equal(r.before.stats.faces.a, 6);
  const heads = await value('heads.list');
  assert.equal(heads.find((h: { id: number }) => h.id === p.headId).active, false);
  // The identity head has no look-alike report.
  assert.equal(await value('lookalike.report', { headId: 1 }), null);
  // The same pair under the new head, from the library's stored features.
  const s = await value('lookalike.separation', { a: 1, b: 2, headId: p.headId });
  assert.equal(s.headId, p.headId);
});
