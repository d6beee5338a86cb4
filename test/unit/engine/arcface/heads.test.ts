// Unit tests (engine/arcface): head versions in a real SQLite file; activation re-embeds every face and changes HNSW search results.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { activeEmbedder } from '../../../../src/engine/arcface/embedder.js';
import { identityWeights } from '../../../../src/engine/arcface/head-weights.js';
import {
  activateHead,
  activateHeadFast,
  activeHeadId,
  listHeads,
  loadHeadWeights,
  saveHead,
} from '../../../../src/engine/arcface/heads.js';
import { FaceIndex, indexPathFor } from '../../../../src/engine/index/hnsw.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { FaceStore } from '../../../../src/engine/store/faces.js';
import { tempDir } from '../../../helpers/tmp.js';

const vec = (a: number, b: number) => {
  const v = new Float32Array(512);
  v[0] = a;
  v[1] = b;
  return v;
};

test('activating a trained head re-embeds every face and changes who is nearest', async () => {
  const dbPath = join(tempDir(), 'lib.db');
  const db = openDb(dbPath);
  const faces = new FaceStore(db);
  db.prepare("INSERT INTO photos (id, hash, status) VALUES (1, 'h1', 'done')").run();
  const add = (f: Float32Array) =>
    faces.insertFace(1, {
      box: { x: 0, y: 0, w: 10, h: 10 },
      score: 1,
      landmarks: new Float32Array(10),
      feature: f,
      quality: 1,
    });
  // Query q = (1, 0.6). Identity head: A = (1, 0) is nearest (cos 0.857 vs 0.844). A head that triples
  // dimension 1 turns q into (1, 1.8) and B = (0.5, 1) into (0.5, 3): B becomes nearest (0.94 vs 0.49).
  const q = add(vec(1, 0.6));
  const a = add(vec(1, 0));
  const b = add(vec(0.5, 1));
  const embed = activeEmbedder(db);
  for (const [id, f] of [
    [q, vec(1, 0.6)],
    [a, vec(1, 0)],
    [b, vec(0.5, 1)],
  ] as const)
    faces.putEmbedding(id, 1, embed.embed([f])[0]!);
  const nearest = (headId: number) => {
    const ix = FaceIndex.open(db, indexPathFor(dbPath), headId);
    return ix.search(faces.embedding(q)!.vec, 1, q)[0]!.faceId;
  };
  assert.equal(nearest(1), a);

  const w = identityWeights(512);
  w.w[1 * 512 + 1] = 3;
  const id = saveHead(db, {
    name: 'stretch',
    kind: 'finetuned',
    parentId: 1,
    config: { loss: 'arcface' },
    metrics: { after: { tarAtFar1e3: 0.9 } },
    weights: w,
  });
  assert.equal(activeHeadId(db), 1, 'storing a head does not activate it');
  const r = activateHead(db, id, dbPath); // plain typed arrays: no backend yet in this process
  assert.equal(r.faces, 3);
  assert.ok(existsSync(indexPathFor(dbPath)));
  assert.equal(activeHeadId(db), id);
  assert.equal(faces.embedding(q)!.headId, id);
  assert.equal(nearest(id), b);
  // the importer's embedder now loads the trained head
  const e = activeEmbedder(db);
  assert.equal(e.headId, id);
  const got = e.embed([vec(1, 0.6)])[0]!;
  assert.ok(Math.abs(got[1]! / got[0]! - 1.8) < 1e-4);

  // back to the identity head, then the trained head again, on the tfjs path: the same vectors as plain JS
  const plain = faces.embedding(q)!.vec;
  await activateHeadFast(db, 1, dbPath);
  assert.equal(nearest(1), a);
  await activateHeadFast(db, id, dbPath);
  const fast = faces.embedding(q)!.vec;
  for (let i = 0; i < 512; i++) assert.ok(Math.abs(fast[i]! - plain[i]!) < 1e-5);
  await activateHeadFast(db, 1, dbPath);
  const list = listHeads(db);
  assert.deepEqual(
    list.map((h) => [h.id, h.kind, h.active]),
    [
      [1, 'identity', true],
      [id, 'finetuned', false],
    ],
  );
  assert.equal((list[1]!.metrics as { after: { tarAtFar1e3: number } }).after.tarAtFar1e3, 0.9);
  assert.equal(loadHeadWeights(db, 1), undefined);
  assert.throws(() => loadHeadWeights(db, 99), /no head 99/);
  assert.throws(() => activateHead(db, 99, dbPath), /no head 99/);
  await assert.rejects(activateHeadFast(db, 99, dbPath), /no head 99/);
  assert.equal(activeHeadId(db), 1, 'a failed activation changes nothing');
  db.close();
});
