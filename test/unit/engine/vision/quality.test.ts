// Test (unit): the face-quality score and its components (engine/vision/quality.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARCFACE_TEMPLATE, applySimilarity } from '../../../../src/engine/vision/align.js';
import {
  faceQuality,
  faceResolution,
  featureNorm,
  laplacianVariance,
  qualityOptions,
  recognisability,
  yawProxy,
} from '../../../../src/engine/vision/quality.js';
import type { Point } from '../../../../src/engine/vision/types.js';

const scaled = (s: number): Point[] => ARCFACE_TEMPLATE.map((p) => applySimilarity({ a: s, b: 0, tx: 10, ty: 10 }, p));
const checker = () => {
  const c = new Uint8Array(112 * 112 * 3);
  for (let y = 0; y < 112; y++)
    for (let x = 0; x < 112; x++) c.fill((x + y) % 2 ? 255 : 0, (y * 112 + x) * 3, (y * 112 + x) * 3 + 3);
  return c;
};

test('resolution follows the face size', () => {
  assert.ok(Math.abs(faceResolution(scaled(1)) - 1) < 1e-9);
  assert.ok(Math.abs(faceResolution(scaled(0.25)) - 0.25) < 1e-9);
});

test('yaw proxy: 0 for the template, larger when the nose slides sideways', () => {
  assert.ok(yawProxy(ARCFACE_TEMPLATE) < 0.02);
  const turned = ARCFACE_TEMPLATE.map((p, i) => (i === 2 ? ([p[0] + 15, p[1]] as Point) : p));
  assert.ok(yawProxy(turned) > 0.3);
});

test('sharpness: a flat crop has no Laplacian variance, a checkerboard a lot', () => {
  assert.equal(laplacianVariance(new Uint8Array(112 * 112 * 3).fill(90)), 0);
  assert.ok(laplacianVariance(checker()) > 1e4);
});

/** A raw feature of the given L2 norm (all 512 values equal). */
const featureOfNorm = (n: number) => new Float32Array(512).fill(n / Math.sqrt(512));

test('appearance is the product of its components, each in 0..1', () => {
  const good = faceQuality(scaled(1.5), 0.99, checker(), featureOfNorm(4));
  assert.equal(good.appearance, good.size * good.detection * good.pose * good.sharpness);
  assert.equal(good.appearance, 1);
  const tiny = faceQuality(scaled(0.1), 0.99, checker(), featureOfNorm(4));
  assert.equal(tiny.size, 0);
  assert.equal(tiny.appearance, 0);
  const blurred = faceQuality(scaled(1.5), 0.99, new Uint8Array(112 * 112 * 3).fill(120), featureOfNorm(4));
  assert.equal(blurred.sharpness, 0);
  for (const p of [good, tiny, blurred])
    for (const k of ['size', 'detection', 'pose', 'sharpness', 'appearance', 'quality'] as const)
      assert.ok(p[k] >= 0 && p[k] <= 1);
});

test('quality is the feature norm on its ramp, whatever the appearance says', () => {
  const { bad, good } = qualityOptions.featureNorm;
  assert.ok(Math.abs(featureNorm(featureOfNorm(3)) - 3) < 1e-5);
  const q = (n: number) => faceQuality(scaled(1.5), 0.99, checker(), featureOfNorm(n)).quality;
  assert.equal(q(bad - 0.5), 0);
  assert.equal(q(good + 0.5), 1);
  assert.ok(Math.abs(q((bad + good) / 2) - 0.5) < 1e-5);
  assert.ok(q(bad + 0.1) < q(bad + 0.2), 'monotone in the norm');
  // a tiny, blurred face the recognizer still reads clearly keeps its score; a sharp large one it cannot read does not
  const tinyBlurred = faceQuality(scaled(0.1), 0.99, new Uint8Array(112 * 112 * 3).fill(120), featureOfNorm(good));
  assert.equal(tinyBlurred.appearance, 0);
  assert.equal(tinyBlurred.quality, 1);
  assert.equal(recognisability(featureOfNorm(good)), 1);
  assert.ok(faceQuality(scaled(1.5), 0.99, checker(), featureOfNorm(bad)).quality < 1e-6);
});
