// Test (integration): the real models on real photos — model checksums, faces in the group photos, same-person pairs
// of fixtures/wild scoring above different-person pairs, the pipeline's API contract (engine/vision).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { after, before, test } from 'node:test';
import { decodeImage } from '../../src/engine/image/decode.js';
import { modelsDir } from '../../src/engine/paths.js';
import { auc } from '../../src/engine/verify/metrics.js';
import { cosine } from '../../src/engine/vectors.js';
import { parseCsvPairs } from '../../src/engine/verify/pairs.js';
import { sha256File } from '../../src/engine/vision/ort.js';
import { FacePipeline } from '../../src/engine/vision/pipeline.js';
import { turnOptions } from '../../src/engine/vision/turned.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

let pipeline: FacePipeline;
before(async () => {
  pipeline = await FacePipeline.load({ threads: 1 });
});
after(async () => {
  await pipeline?.dispose();
});

test('every model file matches the sha256 in resources/models/manifest.json', () => {
  const manifest = JSON.parse(readFileSync(join(modelsDir(), 'manifest.json'), 'utf8')) as {
    models: { file: string; sha256: string }[];
  };
  assert.ok(manifest.models.length >= 3);
  for (const m of manifest.models) assert.equal(sha256File(join(modelsDir(), m.file)), m.sha256, m.file);
});

test(
  'faces found in the group photos match faces.csv within one per photo',
  { skip: skipUnlessData('fixtures', 'group-photos') },
  async () => {
    const dir = dataPath('fixtures', 'group-photos')!;
    const rows = readFileSync(join(dir, 'faces.csv'), 'utf8').trim().split('\n').slice(1);
    let want = 0, got = 0; // prettier-ignore
    for (const row of rows) {
      const [file, count] = row.split(',');
      const img = await decodeImage(join(dir, file!));
      const faces = await pipeline.analyze(img, { keepAligned: true });
      // "clear frontal" faces: the quality score is what keeps the blurred or turned ones out
      const clear = faces.filter((f) => f.quality >= 0.2).length;
      assert.ok(
        Math.abs(clear - Number(count)) <= 1,
        `${file}: ${clear} clear faces of ${faces.length}, faces.csv says ${count}`,
      );
      want += Number(count);
      got += clear;
      for (const f of faces) {
        assert.equal(f.landmarks.length, 5);
        assert.equal(f.feature.length, 512);
        assert.equal(f.aligned?.length, 112 * 112 * 3);
        assert.ok(
          f.box.x >= 0 && f.box.y >= 0 && f.box.x + f.box.w <= img.width + 1 && f.box.y + f.box.h <= img.height + 1,
        );
        assert.ok(f.quality >= 0 && f.quality <= 1);
        const [le, re, nose, lm, rm] = f.landmarks as [number, number][];
        assert.ok(le![0] < re![0] && lm![0] < rm![0], 'left/right in template order');
        assert.ok(nose![1] > le![1] && lm![1] > nose![1], 'eyes above nose above mouth');
      }
    }
    assert.ok(got >= want - 2, `${got} clear faces found, ${want} expected`);
  },
);

test(
  'fixtures/wild: same-person pairs score above different-person pairs (AUC > 0.95)',
  { skip: skipUnlessData('fixtures', 'wild') },
  async () => {
    const dir = dataPath('fixtures', 'wild')!;
    const set = parseCsvPairs(readFileSync(join(dir, 'pairs.csv'), 'utf8'));
    const pairs = set.pairs.filter((_, i) => i % 3 === 0); // a third of the pairs keeps the test quick
    const features = new Map<string, Float32Array>();
    for (const file of new Set(pairs.flatMap((p) => [p.a, p.b]))) {
      const img = await decodeImage(join(dir, file));
      const [face] = await pipeline.analyze(img, { maxFaces: 1 });
      if (face) features.set(file, face.feature);
    }
    const scored = pairs.filter((p) => features.has(p.a) && features.has(p.b));
    assert.ok(scored.length >= pairs.length * 0.95, `faces found for ${scored.length} of ${pairs.length} pairs`);
    const scores = scored.map((p) => cosine(features.get(p.a)!, features.get(p.b)!));
    const a = auc(
      scores,
      scored.map((p) => p.same),
    );
    assert.ok(a > 0.95, `AUC ${a}`);
  },
);

test(
  'the feature is raw (not unit length); flip and embedAligned agree with analyze',
  { skip: skipUnlessData('lfw', 'Abel_Pacheco', 'Abel_Pacheco_0001.jpg') },
  async () => {
    const img = await decodeImage(dataPath('lfw', 'Abel_Pacheco', 'Abel_Pacheco_0001.jpg')!);
    const [face] = await pipeline.analyze(img, { keepAligned: true, maxFaces: 1 });
    assert.ok(face);
    const norm = Math.hypot(...face.feature);
    assert.ok(Math.abs(norm - 1) > 1e-3, `norm ${norm}`);
    const [again] = await pipeline.embedAligned([face.aligned!]);
    assert.ok(cosine(again!, face.feature) > 0.9999);
    const [flipped] = await pipeline.embedAligned([face.aligned!], true);
    const c = cosine(flipped!, face.feature);
    assert.ok(c > 0.8 && c < 0.99999, `flip changes the feature a little (cos ${c})`);
    const realign = pipeline.alignFace(img, face.landmarks);
    assert.deepEqual(realign, face.aligned);
  },
);

test('an image without a face gives no face; a disposed pipeline refuses work', async () => {
  const blank = { data: new Uint8Array(320 * 240 * 3).fill(128), width: 320, height: 240 };
  assert.deepEqual(await pipeline.analyze(blank), []);
  const p = await FacePipeline.load();
  await p.dispose();
  await assert.rejects(p.analyze(blank), /dispose/);
  await assert.rejects(p.detect(blank), /dispose/);
});

test(
  'overlapping calls on one pipeline queue up and give the same answers as sequential ones (detect resizes first)',
  { skip: skipUnlessData('fixtures', 'group-photos') },
  async () => {
    const dir = dataPath('fixtures', 'group-photos')!;
    const a = await decodeImage(join(dir, 'bbt1.jpg'));
    const b = await decodeImage(join(dir, 'bbt3.jpg'));
    const [fa, fb] = await Promise.all([pipeline.analyze(a), pipeline.analyze(b)]);
    const sa = await pipeline.analyze(a);
    const sb = await pipeline.analyze(b);
    assert.equal(fa!.length, sa.length);
    assert.equal(fb!.length, sb.length);
    fa!.forEach((f, i) => assert.ok(cosine(f.feature, sa[i]!.feature) > 0.9999));
    fb!.forEach((f, i) => assert.ok(cosine(f.feature, sb[i]!.feature) > 0.9999));
    // detect starts each photo's first resize before its turn (FaceDetector.start): the photos must not mix
    const [da, db] = await Promise.all([pipeline.detect(a), pipeline.detect(b)]);
    assert.deepEqual(da, await pipeline.detect(a));
    assert.deepEqual(db, await pipeline.detect(b));
    assert.notDeepEqual(da, db);
  },
);

test(
  'close-ups: the mouth boxed as a second face is dropped, the face itself stays ([Note: face fragments])',
  { skip: skipUnlessData('celeba-wild') },
  async () => {
    const dir = dataPath('celeba-wild')!;
    // close-ups where the detector also boxes the mouth and chin (found on celeba-wild's import)
    const files = ['celeba_07204/012441.jpg', 'celeba_07255/150889.jpg', 'celeba_07277/136960.jpg'];
    const plain = await FacePipeline.load({ threads: 1, detector: { containedShare: 1 } });
    try {
      for (const file of files) {
        const img = await decodeImage(join(dir, file));
        const all = await plain.analyze(img);
        const faces = await pipeline.analyze(img);
        assert.equal(all.length, 2, `${file}: without the rule the detector finds the face and its mouth`);
        assert.equal(faces.length, 1, `${file}: ${faces.length} faces`);
        const big = all.reduce((a, b) => (a.box.w * a.box.h >= b.box.w * b.box.h ? a : b));
        assert.deepEqual(faces[0]!.box, big.box, `${file}: the whole face is the one kept`);
      }
    } finally {
      await plain.dispose();
    }
  },
);

test(
  'faces turned a quarter or half turn are turned back: they pass the quality gate and match the upright face ([Note: turned faces])',
  { skip: skipUnlessData('celeba-wild') },
  async () => {
    const dir = dataPath('celeba-wild')!;
    const files = readdirSync(dir)
      .filter((d) => d.startsWith('celeba_'))
      .sort()
      .slice(0, 12)
      .map((d) => join(d, readdirSync(join(dir, d)).sort()[0]!));
    const upright = await FacePipeline.load({ threads: 1, turn: { turns: [] } });
    try {
      const best = (faces: { quality: number; feature: Float32Array }[]) =>
        faces.length ? faces.reduce((a, b) => (b.quality > a.quality ? b : a)) : undefined;
      /** The photo's clearest face passes the gate and is the person of the upright photo. */
      const found = (f: { quality: number; feature: Float32Array } | undefined, person: Float32Array) =>
        f !== undefined && f.quality >= turnOptions.below && cosine(f.feature, person) > 0.5;
      let cases = 0, without = 0, turned = 0; // prettier-ignore
      for (const file of files) {
        const bytes = readFileSync(join(dir, file));
        const straight = best(await pipeline.analyze(await decodeImage(bytes)));
        if (!straight || straight.quality < turnOptions.below) continue;
        for (const angle of [90, 180, 270]) {
          // A copy turned round with no orientation tag, as a scanner or an editor that drops the tag writes it.
          const img = await decodeImage(await sharp(bytes).rotate(angle).jpeg({ quality: 95 }).toBuffer());
          cases++;
          if (found(best(await upright.analyze(img)), straight.feature)) without++;
          if (found(best(await pipeline.analyze(img)), straight.feature)) turned++;
        }
      }
      assert.ok(cases >= 30, `${cases} cases`);
      assert.ok(without <= cases * 0.1, `${without} of ${cases} found without turning`);
      assert.ok(turned >= cases * 0.6, `${turned} of ${cases} found with turning`);
    } finally {
      await upright.dispose();
    }
  },
);
