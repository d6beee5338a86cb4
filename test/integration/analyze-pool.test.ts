// Integration tests (engine import's analysis workers, real models, real photos): results as on this thread, bad bytes, a worker that dies.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { analyzePhoto, type AnalyzeResult } from '../../src/engine/library/analyze.js';
import { AnalyzePool, AnalyzerUnavailableError } from '../../src/engine/library/analyze-pool.js';
import { statedPixels } from '../../src/engine/image/decode.js';
import { FacePipeline } from '../../src/engine/vision/pipeline.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessData('fixtures', 'wild');
const PHOTOS = ['person01/img1.jpg', 'person02/img3.jpg', 'person05/img16.jpg', 'person07/img20.jpg'];
const bytes = (f: string) => new Uint8Array(readFileSync(dataPath('fixtures', 'wild', f)!));
let local: FacePipeline | undefined;
before(async () => {
  if (!skip) local = await FacePipeline.load();
});
after(async () => local?.dispose());

const done = (r: AnalyzeResult) => {
  assert.equal(r.kind, 'done', r.kind === 'failed' ? r.reason : '');
  return r as Extract<AnalyzeResult, { kind: 'done' }>;
};

test(
  'workers find the faces this thread finds, with features, thumbnails, and more photos than they can hold at once',
  { skip },
  async () => {
    const vipsThreads = sharp.concurrency();
    const pool = new AnalyzePool({ workers: 2, perWorker: 1 });
    try {
      // 12 photos for a pool of 2: the calls beyond its capacity wait their turn.
      const jobs = Array.from({ length: 12 }, (_, i) => PHOTOS[i % PHOTOS.length]!);
      const results = await Promise.all(jobs.map((f) => pool.analyze({ bytes: bytes(f), maxPixels: 1e8 })));
      assert.equal(pool.threads.length, 2);
      assert.equal(pool.provider, 'cpu');
      assert.equal(sharp.concurrency(), 1, 'one libvips thread per image while the workers run');
      for (const [i, r] of results.entries()) {
        const got = done(r);
        const want = done(await analyzePhoto(local!, { bytes: bytes(jobs[i]!), maxPixels: 1e8 }));
        assert.equal(got.faces.length, want.faces.length);
        assert.ok(got.faces.length >= 1);
        got.faces.forEach((f, j) => {
          const w = want.faces[j]!;
          assert.deepEqual(f.box, w.box);
          let d = 0;
          for (let k = 0; k < 512; k++) d = Math.max(d, Math.abs(f.feature[k]! - w.feature[k]!));
          assert.ok(d < 1e-4, `feature difference ${d}`);
          const jpeg = got.thumbs[j]!;
          assert.ok(jpeg[0] === 0xff && jpeg[1] === 0xd8, 'a JPEG thumbnail');
        });
        assert.deepEqual(got.image, want.image);
      }
    } finally {
      await pool.close();
    }
    assert.equal(sharp.concurrency(), vipsThreads, "closing the pool puts libvips' setting back");
  },
);

test('bytes that are no photo come back as a failure with its reason; the pool goes on', { skip }, async () => {
  const pool = new AnalyzePool({ workers: 1 });
  try {
    const bad = await pool.analyze({ bytes: new TextEncoder().encode('not a photo at all'), maxPixels: 1e8 });
    assert.equal(bad.kind, 'failed');
    assert.equal(bad.kind === 'failed' && bad.code, 'not-image');
    done(await pool.analyze({ bytes: bytes(PHOTOS[0]!), maxPixels: 1e8 }));
  } finally {
    await pool.close();
  }
});

test('a worker that dies mid-photo fails only the photos it held; a new one takes the next', { skip }, async () => {
  const pool = new AnalyzePool({ workers: 1, perWorker: 2 });
  try {
    done(await pool.analyze({ bytes: bytes(PHOTOS[0]!), maxPixels: 1e8 })); // the worker is up
    const [victim] = pool.threads;
    const held = [
      pool.analyze({ bytes: bytes(PHOTOS[1]!), maxPixels: 1e8 }),
      pool.analyze({ bytes: bytes(PHOTOS[2]!), maxPixels: 1e8 }),
    ];
    await victim!.terminate();
    for (const r of await Promise.all(held)) {
      assert.equal(r.kind, 'failed');
      assert.match(r.kind === 'failed' ? r.reason : '', /face analysis failed: .*exit/);
    }
    done(await pool.analyze({ bytes: bytes(PHOTOS[3]!), maxPixels: 1e8 }));
    assert.notEqual(pool.threads[0], victim);
  } finally {
    await pool.close();
  }
});

test('models that cannot load stop the pool with a clear error instead of failing every photo', { skip }, async () => {
  const pool = new AnalyzePool({ workers: 1, dir: tempDir() }); // an empty folder: no model files
  try {
    await assert.rejects(pool.analyze({ bytes: bytes(PHOTOS[0]!), maxPixels: 1e8 }), (err: unknown) => {
      assert.ok(err instanceof AnalyzerUnavailableError);
      assert.match((err as Error).message, /cannot load the face models: model file .* is missing/);
      return true;
    });
  } finally {
    await pool.close();
  }
});

test(
  'the pixels in flight stay within the budget; a photo larger than the budget still runs alone',
  { skip },
  async () => {
    const sizes = PHOTOS.map((f) => statedPixels(bytes(f))!);
    assert.ok(
      sizes.every((n) => n > 0),
      'the fixtures state their size',
    );
    const budget = Math.max(...sizes) * 1.5; // room for one photo at a time, sometimes two small ones
    const pool = new AnalyzePool({ workers: 2, perWorker: 3, pixelBudget: budget });
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, pool.pixelsInFlight)), 1);
    try {
      const jobs = Array.from({ length: 10 }, (_, i) => PHOTOS[i % PHOTOS.length]!);
      const results = await Promise.all(
        jobs.map((f) => {
          const b = bytes(f);
          return pool.analyze({ bytes: b, maxPixels: 1e8, pixels: statedPixels(b)! });
        }),
      );
      results.forEach(done);
      assert.ok(most > 0 && most <= budget, `at most ${most} pixels in flight, budget ${budget}`);
      // Larger than the whole budget: it waits for the pool to be empty, then runs.
      done(await pool.analyze({ bytes: bytes(PHOTOS[0]!), maxPixels: 1e8, pixels: budget * 10 }));
      assert.equal(pool.pixelsInFlight, 0);
    } finally {
      clearInterval(watch);
      await pool.close();
    }
  },
);
