// Test (unit): least-squares similarity and the 112x112 ArcFace warp (engine/vision/align.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ARCFACE_TEMPLATE,
  alignFace,
  applySimilarity,
  estimateSimilarity,
  invertSimilarity,
  warpSimilarity,
} from '../../../../src/engine/vision/align.js';
import type { Point } from '../../../../src/engine/vision/types.js';

const close = (a: number, b: number, eps = 1e-6, what = '') => assert.ok(Math.abs(a - b) < eps, `${what} ${a} vs ${b}`);

test('the template mapped onto itself is the identity', () => {
  const m = estimateSimilarity(ARCFACE_TEMPLATE, ARCFACE_TEMPLATE);
  close(m.a, 1);
  close(m.b, 0);
  close(m.tx, 0, 1e-9);
  close(m.ty, 0, 1e-9);
});

test('a known rotation, scale and shift is recovered', () => {
  const theta = 0.3, s = 2.5, tx = 140, ty = -35; // prettier-ignore
  const truth = { a: s * Math.cos(theta), b: s * Math.sin(theta), tx, ty };
  const moved = ARCFACE_TEMPLATE.map((p) => applySimilarity(truth, p));
  const m = estimateSimilarity(ARCFACE_TEMPLATE, moved);
  close(m.a, truth.a, 1e-9, 'a');
  close(m.b, truth.b, 1e-9, 'b');
  close(m.tx, tx, 1e-7, 'tx');
  close(m.ty, ty, 1e-7, 'ty');
  // and the photo -> template direction is its inverse
  const back = estimateSimilarity(moved, ARCFACE_TEMPLATE);
  const inv = invertSimilarity(truth);
  close(back.a, inv.a, 1e-9);
  close(back.tx, inv.tx, 1e-6);
});

test('least squares: symmetric noise on the points averages out', () => {
  const noisy: Point[] = ARCFACE_TEMPLATE.map((p, i) => [p[0] + (i % 2 ? 1 : -1), p[1]]);
  // the perturbation is not a similarity, so the fit is not exact but stays close to identity
  const m = estimateSimilarity(noisy, ARCFACE_TEMPLATE);
  close(m.a, 1, 0.05);
  close(m.b, 0, 0.05);
});

test('refuses degenerate input', () => {
  assert.throws(
    () =>
      estimateSimilarity(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    /coincide/,
  );
  assert.throws(() => estimateSimilarity([[1, 1]], [[0, 0]]), /2 points/);
});

test('warp: a pixel lands where the transform sends it; outside the photo is black', () => {
  const w = 50, h = 40; // prettier-ignore
  const rgb = new Uint8Array(w * h * 3).fill(0);
  const at = (x: number, y: number) => (y * w + x) * 3;
  rgb.set([255, 128, 0], at(10, 20));
  const m = { a: 1, b: 0, tx: 30, ty: 5 }; // pure shift
  const out = warpSimilarity(rgb, w, h, m, 112);
  const o = ((20 + 5) * 112 + (10 + 30)) * 3;
  assert.deepEqual([...out.subarray(o, o + 3)], [255, 128, 0]);
  assert.deepEqual([...out.subarray((100 * 112 + 100) * 3, (100 * 112 + 100) * 3 + 3)], [0, 0, 0]);
});

test('alignFace: a face drawn at 2x scale and rotated comes back onto the template', () => {
  // Draw a white dot at each landmark of a moved template in a 400x400 black image, align, check the dots.
  const truth = { a: 2 * Math.cos(0.2), b: 2 * Math.sin(0.2), tx: 90, ty: 60 };
  const pts = ARCFACE_TEMPLATE.map((p) => applySimilarity(truth, p));
  const W = 400;
  const rgb = new Uint8Array(W * W * 3);
  for (const [x, y] of pts)
    for (let dy = -3; dy <= 3; dy++)
      for (let dx = -3; dx <= 3; dx++)
        rgb.fill(
          255,
          ((Math.round(y) + dy) * W + Math.round(x) + dx) * 3,
          ((Math.round(y) + dy) * W + Math.round(x) + dx) * 3 + 3,
        );
  const crop = alignFace({ data: rgb, width: W, height: W }, pts);
  assert.equal(crop.length, 112 * 112 * 3);
  for (const [x, y] of ARCFACE_TEMPLATE)
    assert.ok(crop[(Math.round(y) * 112 + Math.round(x)) * 3]! > 200, `dot at ${x},${y}`);
  assert.equal(crop[(5 * 112 + 5) * 3], 0);
  assert.throws(() => alignFace({ data: rgb, width: W, height: W }, pts.slice(0, 4)), /5 landmarks/);
});
