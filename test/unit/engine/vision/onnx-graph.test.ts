// Test (unit, real models): ONNX rewrites (engine/vision/onnx-graph.ts): dynamic batch and PRelu expansion compute what the shipped files compute.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { describeModel, rewriteModel } from '../../../../src/engine/vision/onnx-graph.js';
import { modelPath, ort } from '../../../../src/engine/vision/ort.js';
import { MODEL_FILES } from '../../../../src/engine/vision/pipeline.js';
import { rng } from '../../../../src/engine/random.js';

const load = (file: string) => readFileSync(modelPath(file));
const session = (model: Uint8Array) =>
  ort.InferenceSession.create(model, { intraOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });

/** n random inputs of `shape` (batch excluded), values like a normalised image. */
function inputs(n: number, shape: number[], seed: number): Float32Array[] {
  const r = rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, () => Float32Array.from({ length: size }, () => r() * 2 - 1));
}

async function runOne(s: ort.InferenceSession, x: Float32Array, shape: number[]) {
  const out = await s.run({ input: new ort.Tensor('float32', x, [1, ...shape]) });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('no rewrite asked: the same bytes', () => {
  const m = load(MODEL_FILES.recognizer);
  assert.equal(rewriteModel(m, {}), m);
});

const CASES = [
  { file: MODEL_FILES.recognizer, shape: [3, 112, 112], outputs: ['output'], expand: true },
  { file: MODEL_FILES.landmarks, shape: [1, 64, 64], outputs: ['output'], expand: false },
  { file: MODEL_FILES.detector, shape: [3, 240, 320], outputs: ['scores', 'boxes'], expand: false },
];

for (const c of CASES) {
  test(`${c.file}: a batch of 3 gives what 3 runs of the shipped model give${c.expand ? ', PRelu expanded' : ''}`, async () => {
    const original = await session(load(c.file));
    assert.deepEqual(
      original.inputMetadata[0]!.isTensor && (original.inputMetadata[0] as unknown as { shape: unknown[] }).shape[0],
      1,
    );
    const model = rewriteModel(load(c.file), { dynamicBatch: true, expandPRelu: c.expand });
    const rewritten = await session(model);
    const meta = rewritten.inputMetadata[0] as unknown as { shape: (number | string)[] };
    assert.equal(meta.shape[0], 'batch', 'the batch dimension is symbolic');
    const xs = inputs(3, c.shape, 11);
    const batch = new Float32Array(xs.length * xs[0]!.length);
    xs.forEach((x, i) => batch.set(x, i * x.length));
    const got = await rewritten.run({ input: new ort.Tensor('float32', batch, [3, ...c.shape]) });
    for (const [i, x] of xs.entries()) {
      const want = await runOne(original, x, c.shape);
      for (const name of c.outputs) {
        const all = got[name]!.data as Float32Array;
        const per = all.length / 3;
        assert.equal(per, want[name]!.length, `${name}: one item's size`);
        const d = maxDiff(all.subarray(i * per, (i + 1) * per), want[name]!);
        assert.ok(d < 1e-4, `${name} of item ${i}: max difference ${d}`);
      }
    }
    if (c.expand) {
      const before = describeModel(load(c.file));
      const after = describeModel(model);
      assert.equal(before.ops.PRelu, 33);
      assert.equal(after.ops.PRelu ?? 0, 0, 'no PRelu left');
      assert.equal(after.ops.BatchNormalization, 2 * 33);
      // The slopes are gone with the PRelus that read them.
      assert.ok(after.initializers.length === before.initializers.length - 33 + 4 * 33);
    }
    await original.release();
    await rewritten.release();
  });
}

test('models loaded as shipped (batch 1, as CoreML gets them) still take many crops and tiles, one run each', async () => {
  const { openSession, batchLimit } = await import('../../../../src/engine/vision/ort.js');
  const { Recognizer } = await import('../../../../src/engine/vision/recognizer.js');
  const { LandmarkModel } = await import('../../../../src/engine/vision/landmarks.js');
  const { FaceDetector } = await import('../../../../src/engine/vision/detector.js');
  const shipped = (file: string) => openSession(file, { providers: ['cpu'] });
  const batched = (file: string) => openSession(file, { providers: ['cpu'], rewrite: { dynamicBatch: true } });
  const [r1, rb] = await Promise.all([shipped(MODEL_FILES.recognizer), batched(MODEL_FILES.recognizer)]);
  assert.equal(batchLimit(r1), 1);
  assert.equal(batchLimit(rb), Number.POSITIVE_INFINITY);
  const r = rng(5);
  const crops = Array.from({ length: 3 }, () =>
    Uint8Array.from({ length: 112 * 112 * 3 }, () => Math.floor(r() * 256)),
  );
  const a = await new Recognizer(r1).embedBatch(crops);
  const b = await new Recognizer(rb).embedBatch(crops);
  a.forEach((f, i) => assert.ok(maxDiff(f, b[i]!) < 1e-4));
  const [l1, lb] = await Promise.all([shipped(MODEL_FILES.landmarks), batched(MODEL_FILES.landmarks)]);
  const image = {
    data: Uint8Array.from({ length: 200 * 150 * 3 }, () => Math.floor(r() * 256)),
    width: 200,
    height: 150,
  };
  const boxes = [
    { x: 10, y: 10, w: 60, h: 70 },
    { x: 90, y: 40, w: 80, h: 90 },
  ];
  assert.deepEqual(
    await new LandmarkModel(l1).predictMany(image, boxes),
    await new LandmarkModel(lb).predictMany(image, boxes),
  );
  const [d1, db] = await Promise.all([shipped(MODEL_FILES.detector), batched(MODEL_FILES.detector)]);
  const photo = { data: Uint8Array.from({ length: 900 * 700 * 3 }, (_, i) => (i * 7) % 251), width: 900, height: 700 };
  assert.deepEqual(await new FaceDetector(d1).detect(photo), await new FaceDetector(db).detect(photo));
  for (const s of [r1, rb, l1, lb, d1, db]) await s.session.release();
});
