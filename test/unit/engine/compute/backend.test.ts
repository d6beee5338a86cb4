// Unit tests (engine/compute): the backend chosen at run time (wasm here, SIMD on) and the fast-path matrix product.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend, initBackend } from '../../../../src/engine/compute/backend.js';
import { mm } from '../../../../src/engine/compute/matmul.js';

test('the fastest available backend is chosen and what was tried is reported', async () => {
  const info = await initBackend();
  assert.ok(['tensorflow-gpu', 'tensorflow', 'wasm'].includes(info.name), `chose ${info.name}`);
  assert.notEqual(info.name, 'cpu');
  assert.equal(info.tried.at(-1)!.ok, true);
  for (const t of info.tried.slice(0, -1)) assert.ok(!t.ok && t.reason, 'a skipped backend says why');
  if (info.name === 'wasm') assert.equal(info.simd, true, 'Node 20 runs wasm SIMD');
  assert.equal(currentBackend(), info);
  assert.equal(tf.getBackend(), info.name === 'wasm' ? 'wasm' : 'tensorflow');
});

test('mm equals tf.matMul in value and gradient, with and without transposes', async () => {
  await initBackend();
  const a = tf.randomNormal([5, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([7, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
  const close = (x: tf.Tensor, y: tf.Tensor) =>
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!) < 1e-4);
  close(mm(a, b), tf.matMul(a, b));
  close(mm(tf.transpose(a), b, true, false), tf.matMul(a, b));
  close(mm(a, tf.transpose(b), false, true), tf.matMul(a, b));
  const f1 = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(mm(x as tf.Tensor2D, y as tf.Tensor2D)));
  const f2 = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D)));
  const [ga, gb] = tf.grads(f1)([a, b]);
  const [ha, hb] = tf.grads(f2)([a, b]);
  close(ga!, ha!);
  close(gb!, hb!);
});

test('an unavailable backend asked for by name is a clear error', async () => {
  await assert.rejects(initBackend('tensorflow-gpu'), /no TensorFlow.js backend available: tensorflow-gpu/);
  await initBackend(); // back to the default for the rest of the process
});
