// Integration tests (engine/lookalike + CLI): a look-alike fine-tune on a celebs24 slice: real recognizer features, real SQLite file, worker training.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { l2normalize } from '../../src/engine/vectors.js';
import { featuresOf } from '../../src/engine/arcface/features.js';
import { listHeads } from '../../src/engine/arcface/heads.js';
import { fineTuneLookalikes, storedLookalike } from '../../src/engine/lookalike/finetune.js';
import { separation } from '../../src/engine/lookalike/separation.js';
import { createPerson } from '../../src/engine/people/ops.js';
import { f32ToBlob } from '../../src/engine/store/blob.js';
import { openDb, type Db } from '../../src/engine/store/db.js';
import { FacePipeline } from '../../src/engine/vision/pipeline.js';
import { main } from '../../src/facelens.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

/** The closest pair of celebs24 identities (bench/lookalike.ts picks it by centre cosine, 0.48), and one other person. */
const SLICE = { pair: ['Jessica_Alba', 'Miley_Cyrus'], other: 'Drew_Barrymore', perId: 16, epochs: 20 };

/** DIR/<person>/ of symlinks to the shared crops (photos are never copied). */
function slice(): { root: string; files: Record<string, string[]> } {
  const src = dataPath('celebs24')!;
  const root = join(tempDir('facelens-lookalike-'), 'labels');
  const files: Record<string, string[]> = {};
  for (const p of [...SLICE.pair, SLICE.other]) {
    mkdirSync(join(root, p), { recursive: true });
    files[p] = readdirSync(join(src, p))
      .sort()
      .slice(0, SLICE.perId)
      .map((f) => join(root, p, f));
    for (const f of files[p]!) symlinkSync(join(src, p, f.split('/').at(-1)!), f);
  }
  return { root, files };
}

/** A library whose faces carry the real recognizer's features of the slice's photos, one named person per folder. */
async function library(db: Db, files: Record<string, string[]>): Promise<number[]> {
  const paths = Object.values(files).flat();
  const got = await featuresOf(db, paths, {
    aligned: true,
    pipeline: () => FacePipeline.load({ threads: 1 }),
    releasePipeline: true,
  });
  const insPhoto = db.prepare(`INSERT INTO photos (hash, width, height, status) VALUES (?, 112, 112, 'done')`);
  const insFace = db.prepare(
    `INSERT INTO faces (photo_id, x, y, w, h, score, landmarks, feature, quality, source, created_at) VALUES (?, 0, 0, 112, 112, 0.99, ?, ?, 0.9, 'auto', 0)`,
  );
  const insEmb = db.prepare('INSERT INTO embeddings (face_id, head_id, vec) VALUES (?, 1, ?)');
  const place = db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'user', 0)");
  const people: number[] = [];
  for (const [name, list] of Object.entries(files)) {
    const person = createPerson(db, name);
    people.push(person);
    for (const f of list) {
      const r = got.get(f)!;
      assert.ok('feature' in r, `a feature for ${f}`);
      const photo = Number(insPhoto.run(`hash-${f}`).lastInsertRowid);
      const face = Number(insFace.run(photo, f32ToBlob(new Float32Array(10)), f32ToBlob(r.feature)).lastInsertRowid);
      insEmb.run(face, f32ToBlob(l2normalize(r.feature)));
      place.run(face, person);
    }
  }
  return people;
}

test(
  'look-alike fine-tune on a celebs24 slice: held-out faces never trained on, A-vs-B false matches do not rise',
  { skip: skipUnlessData('celebs24') },
  async (t) => {
    const s = slice();
    const db = openDb(join(tempDir(), 'lib.db'));
    const [a, b] = (await library(db, s.files)) as [number, number, number];
    const now = separation(db, a, b);
    assert.equal(now.stats.impostor.pairs, SLICE.perId * SLICE.perId);

    const r = await fineTuneLookalikes(db, a, b, { epochs: SLICE.epochs, seed: 2, holdout: 0.5 });
    // The split: half of each person held out, and no held-out face among the faces the trainer saw.
    assert.equal(r.split.test.a, SLICE.perId / 2);
    assert.equal(r.split.test.b, SLICE.perId / 2);
    assert.equal(r.split.train.total + r.split.test.total, 3 * SLICE.perId);
    const trained = new Set([...r.split.trained.a, ...r.split.trained.b]);
    for (const f of [...r.split.heldOut.a, ...r.split.heldOut.b])
      assert.ok(!trained.has(f), `${f} was held out and trained on`);
    // Before/after are measured on exactly the held-out faces: 8 x 8 A-B pairs, 2 x C(8, 2) genuine pairs.
    for (const h of [r.before, r.after]) {
      assert.deepEqual(h.stats.faces, { a: SLICE.perId / 2, b: SLICE.perId / 2 });
      assert.equal(h.stats.impostor.pairs, 64);
      assert.equal(h.stats.genuine.pairs, 2 * 28);
    }
    // The false-match rate between the two at the library's thresholds does not rise (and there are false matches to lose).
    assert.ok(
      r.before.stats.rates.find((x) => x.name === 'suggestion')!.pairFmr > 0,
      'a look-alike pair confuses the start head',
    );
    for (const name of ['assignment', 'suggestion']) {
      const before = r.before.stats.rates.find((x) => x.name === name)!;
      const after = r.after.stats.rates.find((x) => x.name === name)!;
      assert.ok(after.pairFmr <= before.pairFmr, `${name}: pair FMR ${before.pairFmr} -> ${after.pairFmr}`);
      assert.ok(after.faceFmr <= before.faceFmr, `${name}: face FMR ${before.faceFmr} -> ${after.faceFmr}`);
      t.diagnostic(
        `${name} ${before.threshold}: A-B pair FMR ${before.pairFmr} -> ${after.pairFmr}, face FMR ${before.faceFmr} -> ${after.faceFmr}`,
      );
    }
    assert.ok(r.after.stats.impostor.mean <= r.before.stats.impostor.mean, 'A and B move apart on average');
    // The head is stored (not activated) with the report in its metrics.
    assert.ok(r.headId !== null);
    const head = listHeads(db).find((h) => h.id === r.headId)!;
    assert.equal(head.active, false);
    assert.equal(head.config.trainFaces, r.split.train.total);
    assert.deepEqual(storedLookalike(db, r.headId!)!.split.heldOut, r.split.heldOut);
    // The library view of the new head scores all faces (training ones included): it moves the same way.
    const lib = separation(db, a, b, r.headId!);
    assert.ok(lib.stats.impostor.mean < now.stats.impostor.mean);
    db.close();

    // The CLI's --truth mode on the same folder (features from the cache), as one JSON object.
    const out: string[] = [];
    const log = console.log;
    console.log = (x: unknown) => out.push(String(x));
    try {
      const code = await main([
        'lookalike',
        '--truth',
        s.root,
        '--aligned',
        '--a',
        SLICE.pair[0]!,
        '--b',
        SLICE.pair[1]!,
        '--epochs',
        '5',
        '--json',
        '--db',
        join(tempDir(), 'truth.db'),
      ]);
      assert.equal(code, 0);
    } finally {
      console.log = log;
    }
    const j = JSON.parse(out.join('')) as { a: { label: string }; headId: null; split: { test: { a: number } } };
    assert.equal(j.a.label, SLICE.pair[0]);
    assert.equal(j.headId, null, '--truth stores no head');
    assert.equal(j.split.test.a, SLICE.perId / 2);
  },
);
