// Integration tests (engine/arcface + CLI): a few epochs on a slice of celebs24 with the real recognizer, SQLite file, worker thread.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listHeads } from '../../src/engine/arcface/heads.js';
import { parseLoss } from '../../src/engine/arcface/loss-spec.js';
import { prepare, runTraining } from '../../src/engine/arcface/run.js';
import { openDb } from '../../src/engine/store/db.js';
import { FacePipeline } from '../../src/engine/vision/pipeline.js';
import { main } from '../../src/facelens.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const SLICE = { trainIds: 4, unseenIds: 3, perId: 16 };

/** DIR/<person>/ of symlinks to the shared crops (photos are never copied), and a CSV of pairs among unseen people. */
function slice(): { labels: string; unseenRoot: string; pairs: string } {
  const src = dataPath('celebs24')!;
  const dir = tempDir('facelens-arcface-');
  const people = readdirSync(src, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const labels = join(dir, 'labels');
  const unseenRoot = join(dir, 'unseen');
  const files: Record<string, string[]> = {};
  people.slice(0, SLICE.trainIds + SLICE.unseenIds).forEach((p, k) => {
    const target = join(k < SLICE.trainIds ? labels : unseenRoot, p);
    mkdirSync(target, { recursive: true });
    files[p] = readdirSync(join(src, p)).sort().slice(0, SLICE.perId);
    for (const f of files[p]!) symlinkSync(join(src, p, f), join(target, f));
  });
  const unseen = people.slice(SLICE.trainIds, SLICE.trainIds + SLICE.unseenIds);
  const rows = ['file_x,file_y,same'];
  unseen.forEach((p, k) => {
    const fs = files[p]!;
    for (let i = 0; i + 1 < fs.length; i += 2) rows.push(`${p}/${fs[i]},${p}/${fs[i + 1]},1`);
    const q = unseen[(k + 1) % unseen.length]!;
    for (let i = 0; i < fs.length; i += 2) rows.push(`${p}/${fs[i]},${q}/${files[q]![i + 1]},0`);
  });
  const pairs = join(dir, 'pairs.csv');
  writeFileSync(pairs, rows.join('\n'));
  return { labels, unseenRoot, pairs };
}

test(
  'fine-tuning on a celebs24 slice: features cached once, trained in a worker, stored with before/after',
  { skip: skipUnlessData('celebs24') },
  async () => {
    const s = slice();
    const db = openDb(join(tempDir(), 'lib.db'));
    let cachedFirst = -1;
    let cachedSecond = -1;
    const src = (onFeatures: (d: number, t: number, c: number) => void) => ({
      labels: s.labels,
      aligned: true,
      pipeline: () => FacePipeline.load({ threads: 1 }),
      releasePipeline: true,
      onFeatures,
    });
    const unseen = { pairs: s.pairs, root: s.unseenRoot, aligned: true };
    const p = await prepare(
      db,
      src((d, t, c) => d === t && t === SLICE.trainIds * SLICE.perId && (cachedFirst = c)),
      { holdout: 0.5, seed: 3, unseen },
    );
    assert.equal(p.dataset.identities.length, SLICE.trainIds);
    assert.equal(p.train.length + p.test.length, SLICE.trainIds * SLICE.perId);
    assert.equal(p.unseen!.failures, 0);
    const again = await prepare(
      db,
      src((d, t, c) => d === t && t === SLICE.trainIds * SLICE.perId && (cachedSecond = c)),
      { holdout: 0.5, seed: 3 },
    );
    assert.ok(cachedFirst < SLICE.trainIds * SLICE.perId, 'the first run computes features');
    assert.equal(cachedSecond, SLICE.trainIds * SLICE.perId, 'the second run reads every feature from the cache');
    assert.deepEqual(again.dataset.features[5], p.dataset.features[5]);

    const steps: number[] = [];
    const r = await runTraining(db, p, {
      loss: parseLoss('arcface'),
      mode: 'finetune',
      config: { epochs: 20, batchSize: 16 },
      onProgress: (x) => steps.push(x.step),
    });
    assert.equal(r.backend, 'wasm');
    assert.ok(steps.length > 10 && steps.every((v, i) => v === i + 1), 'progress comes from the worker, step by step');
    assert.ok(r.curve.at(-1)!.loss < r.curve[0]!.loss, `loss ${r.curve[0]!.loss} -> ${r.curve.at(-1)!.loss}`);
    assert.ok(r.after.auc >= r.before.auc, `held-out AUC ${r.before.auc} -> ${r.after.auc}`);
    assert.ok(r.unseenBefore && r.unseenAfter && r.unseenAfter.pairs === r.unseenBefore.pairs);
    const head = listHeads(db).find((h) => h.id === r.headId)!;
    assert.equal(head.kind, 'finetuned');
    assert.equal(head.active, false);
    assert.deepEqual(
      Object.keys(head.metrics)
        .filter((k) => ['before', 'after', 'unseenBefore', 'unseenAfter', 'curve'].includes(k))
        .sort(),
      ['after', 'before', 'curve', 'unseenAfter', 'unseenBefore'],
    );

    const ac = new AbortController();
    const cancelled = await runTraining(db, p, {
      loss: parseLoss('cosface'),
      mode: 'finetune',
      config: { epochs: 500, batchSize: 8 },
      signal: ac.signal,
      onProgress: (x) => x.step === 3 && ac.abort(),
    });
    assert.equal(cancelled.cancelled, true);
    assert.equal(cancelled.headId, undefined, 'a cancelled run stores nothing');
    db.close();
  },
);

test(
  'facelens train --json prints before/after, unseen figures, headId and backend; heads list/activate',
  { skip: skipUnlessData('celebs24') },
  async () => {
    const s = slice();
    const dbPath = join(tempDir(), 'lib.db');
    const out: string[] = [];
    const log = console.log;
    console.log = (x: unknown) => void out.push(String(x));
    try {
      const code = await main(['train', '--db', dbPath, '--labels', s.labels, '--aligned', '--holdout', '0.5', '--epochs', '5', '--loss', 'cm1',
      '--unseen-pairs', s.pairs, '--unseen-root', s.unseenRoot, '--unseen-aligned', '--json']); // prettier-ignore
      assert.equal(code, 0);
      const j = JSON.parse(out.at(-1)!) as Record<string, Record<string, number>> & { headId: number; backend: string };
      for (const k of ['before', 'after', 'unseenBefore', 'unseenAfter'])
        assert.equal(typeof j[k]!.accuracy, 'number', k);
      for (const k of ['auc', 'eer', 'accuracy', 'tarAtFar1e2', 'tarAtFar1e3'])
        assert.equal(typeof j.after![k], 'number', k);
      assert.equal(j.backend, 'wasm');
      assert.equal(j.headId, 2);
      out.length = 0;
      assert.equal(await main(['heads', 'activate', '2', '--db', dbPath, '--json']), 0);
      assert.equal(JSON.parse(out.at(-1)!).headId, 2);
      out.length = 0;
      assert.equal(await main(['heads', 'list', '--db', dbPath, '--json']), 0);
      assert.deepEqual(
        (JSON.parse(out.at(-1)!) as { id: number; active: boolean }[]).map((h) => [h.id, h.active]),
        [
          [1, false],
          [2, true],
        ],
      );
      assert.equal(await main(['train', '--db', dbPath, '--labels', join(s.labels, 'nope')]), 2);
      assert.equal(await main(['train', '--db', dbPath, '--labels', s.labels, '--loss', 'bogus']), 2);
    } finally {
      console.log = log;
    }
  },
);
