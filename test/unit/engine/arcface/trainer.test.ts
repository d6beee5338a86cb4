// Unit tests (engine/arcface): imprinting, the LR schedule, training on synthetic identities, determinism, cancel, no leaks.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/engine/compute/backend.js';
import { gaussian, identityWeights, randomWeights } from '../../../../src/engine/arcface/head-weights.js';
import { parseLoss } from '../../../../src/engine/arcface/loss-spec.js';
import { batchStream, imprint, lrAt, resolveConfig, trainHead } from '../../../../src/engine/arcface/trainer.js';
import { embedAll, heldOutPairs, verifyPairs } from '../../../../src/engine/arcface/evaluate.js';

before(async () => {
  await initBackend();
});

/** C identities in D dims: centres far apart plus strong noise, so the identity head confuses them. */
function synthetic(c: number, per: number, d: number, seed: number, noiseSeed = seed + 1) {
  const centres = gaussian(c * d, 1, seed);
  const noise = gaussian(c * per * d, 2.5, noiseSeed);
  const features: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < c * per; i++) {
    const f = new Float32Array(d);
    for (let j = 0; j < d; j++) f[j] = centres[(i % c) * d + j]! + noise[i * d + j]!;
    features.push(f);
    labels.push(i % c);
  }
  return { features, labels };
}

const packAll = (fs: Float32Array[]) => {
  const out = new Float32Array(fs.length * fs[0]!.length);
  fs.forEach((f, i) => out.set(f, i * f.length));
  return out;
};

test('imprinting: each class weight is the normalised mean of its normalised samples', () => {
  const x = tf.tensor2d([
    [2, 0],
    [0, 4],
    [3, 3],
  ]);
  const w = imprint(x, Int32Array.from([0, 0, 1]), 2).arraySync();
  const s = Math.SQRT1_2;
  assert.ok(Math.abs(w[0]![0]! - s) < 1e-6 && Math.abs(w[1]![0]! - s) < 1e-6, `class 0 ${w.map((r) => r[0])}`);
  assert.ok(Math.abs(w[0]![1]! - s) < 1e-6 && Math.abs(w[1]![1]! - s) < 1e-6, `class 1 ${w.map((r) => r[1])}`);
});

test('the LR is divided by 10 at 62.5% and 87.5% of the run; batches cover every sample each epoch', () => {
  const cfg = { lr: 0.1, lrSteps: [0.625, 0.875] };
  assert.equal(lrAt(cfg, 0, 100), 0.1);
  assert.ok(Math.abs(lrAt(cfg, 61, 100) - 0.1) < 1e-12);
  assert.ok(Math.abs(lrAt(cfg, 62, 100) - 0.01) < 1e-12);
  assert.ok(Math.abs(lrAt(cfg, 99, 100) - 0.001) < 1e-12);
  const next = batchStream(10, 5, 1);
  const seen = [...next(), ...next()].sort((a, b) => a - b);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('fine-tuning ArcFace on synthetic identities separates held-out faces better than the identity head', async () => {
  const d = 64;
  const train = synthetic(6, 40, d, 11);
  const fresh = synthetic(6, 20, d, 11, 99); // the same identities, faces never trained on
  const tensorsBefore = tf.memory().numTensors;
  const init = identityWeights(d);
  const out = await trainHead(
    { features: packAll(train.features), labels: Int32Array.from(train.labels), numClasses: 6 },
    init,
    resolveConfig({ loss: parseLoss('arcface'), epochs: 30, batchSize: 64, lr: 0.05, seed: 5 }),
  );
  assert.equal(tf.memory().numTensors, tensorsBefore, 'training leaked tensors');
  assert.ok(out.curve.at(-1)!.loss < out.curve[0]!.loss / 2, `loss ${out.curve[0]!.loss} -> ${out.curve.at(-1)!.loss}`);
  const pairs = heldOutPairs(fresh.labels, 1);
  const beforeV = verifyPairs(embedAll(undefined, fresh.features), pairs);
  const afterV = verifyPairs(embedAll(out.weights, fresh.features), pairs);
  assert.ok(afterV.auc > beforeV.auc + 0.01, `AUC ${beforeV.auc} -> ${afterV.auc}`);
});

test('the same seed gives the same head; another seed a different one', async () => {
  const d = 32;
  const s = synthetic(4, 16, d, 3);
  const data = { features: packAll(s.features), labels: Int32Array.from(s.labels), numClasses: 4 };
  const run = (seed: number) =>
    trainHead(
      data,
      randomWeights(d, d, 1),
      resolveConfig({ loss: parseLoss('cosface'), epochs: 4, batchSize: 16, seed, bn: 'batch' }),
    );
  const [a, b, c] = [await run(1), await run(1), await run(2)];
  assert.deepEqual(a.weights.w, b.weights.w);
  assert.deepEqual(a.curve, b.curve);
  assert.notDeepEqual(a.weights.w, c.weights.w);
});

test('an aborted signal stops training between steps and says so; progress events are in order', async () => {
  const d = 16;
  const s = synthetic(3, 20, d, 5);
  const ac = new AbortController();
  const steps: number[] = [];
  const out = await trainHead(
    { features: packAll(s.features), labels: Int32Array.from(s.labels), numClasses: 3 },
    identityWeights(d),
    resolveConfig({ loss: parseLoss('arcface'), epochs: 50, batchSize: 10 }),
    {
      signal: ac.signal,
      onProgress: (p) => {
        steps.push(p.step);
        assert.equal(p.totalSteps, 300);
        assert.ok(p.samplesPerSec > 0 && Number.isFinite(p.loss) && p.accuracy >= 0 && p.accuracy <= 1);
        if (p.step === 5) ac.abort();
      },
    },
  );
  assert.equal(out.cancelled, true);
  assert.equal(out.steps, 5);
  assert.deepEqual(steps, [1, 2, 3, 4, 5]);
});

test('bad input is refused with a clear message', async () => {
  await assert.rejects(
    trainHead(
      { features: new Float32Array(10), labels: Int32Array.from([0, 1]), numClasses: 2 },
      identityWeights(8),
      resolveConfig({ loss: parseLoss('arcface') }),
    ),
    /expected 2 × 8/,
  );
  await assert.rejects(
    trainHead(
      { features: new Float32Array(16), labels: Int32Array.from([0, 0]), numClasses: 1 },
      identityWeights(8),
      resolveConfig({ loss: parseLoss('arcface') }),
    ),
    /at least 2 identities/,
  );
});
