// Unit tests (engine/arcface): the tensor losses against the plain-number reference, finite differences and NaN safety.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/engine/compute/backend.js';
import { parseLoss, targetCos, SEED_LOSSES } from '../../../../src/engine/arcface/loss-spec.js';
import { marginLoss, pairMasks, targetCosTensor } from '../../../../src/engine/arcface/losses.js';
import { gaussian } from '../../../../src/engine/arcface/head-weights.js';

// The pure-JS cpu backend is the reference here: exact float32 kernels, no SIMD reassociation.
before(async () => {
  await initBackend('cpu');
});

test('tensor target cos equals the reference at many angles for every margin', () => {
  const angles = [0.01, 0.3, 0.8, 1.2, 1.6, 2.0, 2.5, 2.8, 3.0, 3.1];
  for (const name of ['ns', 'arcface', 'cosface', 'sphereface', 'cm1', 'cm2', 'asoftmax']) {
    const spec = parseLoss(name);
    const got = tf.tidy(() => targetCosTensor(spec, tf.tensor1d(angles.map(Math.cos))).arraySync());
    angles.forEach((t, i) =>
      assert.ok(Math.abs(got[i]! - targetCos(spec, t)) < 2e-4, `${name} at θ=${t}: ${got[i]} vs ${targetCos(spec, t)}`),
    );
  }
});

function batch(n = 6, d = 8, c = 3, seed = 3) {
  const x = tf.tensor2d(gaussian(n * d, 1, seed), [n, d]);
  const w = tf.tensor2d(gaussian(d * c, 1, seed + 1), [d, c]);
  const b = tf.tensor1d(gaussian(c, 0.1, seed + 2));
  const labels = Int32Array.from({ length: n }, (_, i) => i % c);
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), c), 'float32') as tf.Tensor2D;
  return { x, w, b, onehot, ...pairMasks(labels) };
}

test('gradients of every seed loss match central finite differences', () => {
  const inp = batch();
  for (const name of [...SEED_LOSSES, 'asoftmax']) {
    const spec = parseLoss(name, { s: 8 }); // a smaller scale keeps float32 differences well conditioned
    const f = (x: tf.Tensor2D, w: tf.Tensor2D) => marginLoss(spec, { ...inp, x, w }).loss;
    // The triplet-only loss does not read the class weights: differentiate it with respect to x alone.
    const [gx, gw] =
      spec.base === 'none'
        ? [tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D, inp.w))(inp.x), tf.zeros([1])]
        : tf.grads((x: tf.Tensor, w: tf.Tensor) => f(x as tf.Tensor2D, w as tf.Tensor2D))([inp.x, inp.w]);
    const xs = inp.x.arraySync();
    const gxs = gx!.arraySync() as number[][];
    const h = 1e-2;
    for (const [i, j] of [
      [0, 0],
      [1, 3],
      [4, 7],
      [5, 2],
    ] as const) {
      const plus = xs.map((r) => r.slice());
      const minus = xs.map((r) => r.slice());
      plus[i]![j]! += h;
      minus[i]![j]! -= h;
      const fd = tf.tidy(
        () => (f(tf.tensor2d(plus), inp.w).dataSync()[0]! - f(tf.tensor2d(minus), inp.w).dataSync()[0]!) / (2 * h),
      );
      const an = gxs[i]![j]!;
      assert.ok(
        Math.abs(fd - an) <= 2e-2 * Math.max(1, Math.abs(fd)),
        `${name} d/dx[${i}][${j}]: analytic ${an} vs numeric ${fd}`,
      );
    }
    assert.ok(Array.from(gw!.dataSync()).every(Number.isFinite), `${name}: class-weight gradient not finite`);
    gx!.dispose();
    gw!.dispose();
  }
});

test('no NaN or infinite gradient when θ = 0 or θ = π exactly', () => {
  const d = 4;
  const w = tf.tensor2d(
    [
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 0],
    ],
    [d, 2],
  );
  for (const xrow of [
    [1, 0, 0, 0],
    [-1, 0, 0, 0],
  ]) {
    const x = tf.tensor2d([xrow, [0, 1, 0, 0]], [2, d]);
    const onehot = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const masks = pairMasks(Int32Array.from([0, 1]));
    for (const name of [...SEED_LOSSES, 'asoftmax']) {
      const spec = parseLoss(name);
      const { value, grads } = tf.tidy(() => {
        if (spec.base === 'none') {
          const r = tf.valueAndGrad(
            (xx: tf.Tensor) => marginLoss(spec, { x: xx as tf.Tensor2D, w, onehot, ...masks }).loss,
          )(x);
          return { value: r.value, grads: [r.grad] };
        }
        const g = tf.valueAndGrads(
          (xx: tf.Tensor, ww: tf.Tensor) =>
            marginLoss(spec, { x: xx as tf.Tensor2D, w: ww as tf.Tensor2D, onehot, ...masks }).loss,
        );
        return g([x, w]);
      });
      assert.ok(Number.isFinite(value.dataSync()[0]), `${name}: loss not finite at θ=${xrow[0] === 1 ? 0 : 'π'}`);
      for (const g of grads)
        assert.ok(
          Array.from(g.dataSync()).every(Number.isFinite),
          `${name}: gradient not finite at θ=${xrow[0] === 1 ? 0 : 'π'}`,
        );
      tf.dispose([value, ...grads]);
    }
  }
});

test('the extra terms: intra is mean θy/π, inter is minus the mean centre angle/π, triplet is a hinge on angles', () => {
  const w = tf.tensor2d([
    [1, 0],
    [0, 1],
  ]); // centres 90° apart
  const x = tf.tensor2d([
    [1, 1],
    [0, 1],
  ]); // sample 0 at 45° from its centre, sample 1 on its centre
  const onehot = tf.tensor2d([
    [1, 0],
    [0, 1],
  ]);
  const ns = marginLoss(parseLoss('ns'), { x, w, onehot }).loss.dataSync()[0]!;
  const intra = marginLoss(parseLoss('ns+intra'), { x, w, onehot }).loss.dataSync()[0]!;
  assert.ok(Math.abs(intra - ns - (Math.PI / 4 + 0.0014) / 2 / Math.PI) < 2e-3, `intra term ${intra - ns}`);
  const inter = marginLoss(parseLoss('ns+inter'), { x, w, onehot }).loss.dataSync()[0]!;
  assert.ok(Math.abs(inter - ns + 0.5) < 1e-3, `inter term ${inter - ns}`);
  // triplet: anchors 0,1 same class; 2 other. θ(0,1) = 90°, θ(0,2) = 45° -> hinge 90° − 45° + margin
  const tx = tf.tensor2d([
    [1, 0],
    [0, 1],
    [1, 1],
  ]);
  const masks = pairMasks(Int32Array.from([0, 0, 1]));
  const tri = marginLoss(parseLoss('triplet', { tripletMargin: 0.35 }), {
    x: tx,
    w,
    onehot: tf.tensor2d([
      [1, 0],
      [1, 0],
      [0, 1],
    ]),
    ...masks,
  }).loss.dataSync()[0]!;
  assert.ok(Math.abs(tri - (Math.PI / 4 + 0.35)) < 1e-3, `triplet ${tri}`);
});

test('plain softmax uses W·x + b on unnormalised features', () => {
  const x = tf.tensor2d([[2, 0]]);
  const w = tf.tensor2d([
    [1, 0],
    [0, 1],
  ]);
  const b = tf.tensor1d([0, 1]);
  const loss = marginLoss(parseLoss('softmax'), { x, w, b, onehot: tf.tensor2d([[1, 0]]) }).loss.dataSync()[0]!;
  assert.ok(Math.abs(loss - Math.log(1 + Math.exp(1 - 2))) < 1e-5);
});
