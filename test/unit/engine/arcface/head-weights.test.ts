// Unit tests (engine/arcface): head weights: identity, BLOB round trip, folded inference equals the tensor head, blend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/engine/compute/backend.js';
import { l2normalize } from '../../../../src/engine/vectors.js';
import { TrainableHead } from '../../../../src/engine/arcface/head.js';
import { l2rows } from '../../../../src/engine/arcface/losses.js';
import {
  applyFolded,
  blendWeights,
  deserializeHead,
  foldHead,
  gaussian,
  identityWeights,
  randomWeights,
  serializeHead,
  type HeadWeights,
} from '../../../../src/engine/arcface/head-weights.js';

function perturbed(seed: number): HeadWeights {
  const h = randomWeights(512, 512, seed);
  h.b = gaussian(512, 0.1, seed + 1);
  h.gamma = gaussian(512, 0.1, seed + 2).map((v) => 1 + v);
  h.beta = gaussian(512, 0.1, seed + 3);
  h.mean = gaussian(512, 0.1, seed + 4);
  h.variance = gaussian(512, 0.1, seed + 5).map((v) => 1 + Math.abs(v));
  return h;
}

test('the identity head maps a feature to its normalised self', () => {
  const f = gaussian(512, 3, 9);
  const [e] = applyFolded(foldHead(identityWeights()), [f]);
  const want = l2normalize(f);
  for (let i = 0; i < 512; i++) assert.ok(Math.abs(e![i]! - want[i]!) < 1e-6);
});

test('save/load round trip keeps every value bit for bit, and rejects a foreign BLOB', () => {
  const h = perturbed(4);
  const back = deserializeHead(serializeHead(h));
  assert.equal(back.dimIn, 512);
  assert.equal(back.dimOut, 512);
  assert.equal(back.eps, h.eps);
  for (const k of ['w', 'b', 'gamma', 'beta', 'mean', 'variance'] as const) assert.deepEqual(back[k], h[k]);
  const tiny = randomWeights(512, 3, 1);
  assert.equal(deserializeHead(serializeHead(tiny)).dimOut, 3);
  assert.throws(() => deserializeHead(Buffer.from('nope-not-a-head')), /bad magic/);
  assert.throws(() => deserializeHead(serializeHead(h).subarray(0, 1000)), /expected/);
});

test('folded inference (typed arrays) equals the tensor head in inference mode', async () => {
  await initBackend();
  const h = perturbed(7);
  const feats = [gaussian(512, 1, 20), gaussian(512, 1, 21)];
  const head = new TrainableHead(h, 'batch');
  const want = tf.tidy(() =>
    l2rows(head.forward(tf.tensor2d([...feats[0]!, ...feats[1]!], [2, 512]), false)).arraySync(),
  );
  head.dispose();
  const got = applyFolded(foldHead(h), feats);
  for (let r = 0; r < 2; r++) for (let i = 0; i < 512; i++) assert.ok(Math.abs(got[r]![i]! - want[r]![i]!) < 1e-4);
});

test('blend 0 is the start head, 1 the tuned head, 0.5 the midpoint', () => {
  const a = identityWeights(4);
  const b = randomWeights(4, 4, 3);
  assert.deepEqual(blendWeights(a, b, 0).w, a.w);
  assert.deepEqual(blendWeights(a, b, 1).w, b.w);
  const mid = blendWeights(a, b, 0.5);
  for (let i = 0; i < 16; i++) assert.ok(Math.abs(mid.w[i]! - (a.w[i]! + b.w[i]!) / 2) < 1e-6);
  assert.throws(() => blendWeights(a, randomWeights(4, 3, 1), 0.5), /different shapes/);
});
