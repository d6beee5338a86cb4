// Test (unit): least-squares similarity and the 112x112 ArcFace warp (engine/vision/align.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../../../src/engine/random.js';
import {
  ARCFACE_TEMPLATE,
  alignFace,
  applySimilarity,
  estimateSimilarity,
  invertSimilarity,
  warpSimilarity,
  type Similarity,
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

test('warp: inside the photo and across its edges, the same as the plain per-tap filter', () => {
  // The plain filter: every sample reads its 4 taps, each tested against the photo's bounds.
  const plain = (rgb: Uint8Array, width: number, height: number, m: Similarity, size: number) => {
    const inv = invertSimilarity(m);
    const ss = Math.max(1, Math.min(4, Math.round(1 / Math.hypot(m.a, m.b))));
    const out = new Uint8Array(size * size * 3);
    for (let v = 0; v < size; v++)
      for (let u = 0; u < size; u++) {
        const acc = [0, 0, 0];
        for (let j = 0; j < ss; j++)
          for (let i = 0; i < ss; i++) {
            const fu = u + (ss === 1 ? 0 : (i + 0.5) / ss - 0.5);
            const fv = v + (ss === 1 ? 0 : (j + 0.5) / ss - 0.5);
            const [x, y] = [inv.a * fu - inv.b * fv + inv.tx, inv.b * fu + inv.a * fv + inv.ty];
            const x0 = Math.floor(x), y0 = Math.floor(y); // prettier-ignore
            for (const [xx, yy, wt] of [
              [x0, y0, (1 - (y - y0)) * (1 - (x - x0))],
              [x0 + 1, y0, (1 - (y - y0)) * (x - x0)],
              [x0, y0 + 1, (y - y0) * (1 - (x - x0))],
              [x0 + 1, y0 + 1, (y - y0) * (x - x0)],
            ] as const)
              if (xx >= 0 && xx < width && yy >= 0 && yy < height)
                for (let c = 0; c < 3; c++) acc[c]! += wt * rgb[(yy * width + xx) * 3 + c]!;
          }
        for (let c = 0; c < 3; c++) out[(v * size + u) * 3 + c] = Math.round(acc[c]! / (ss * ss));
      }
    return out;
  };
  const rand = rng(11);
  const w = 900, h = 700; // prettier-ignore
  const rgb = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256));
  const cases: Similarity[] = [
    { a: 0.9 * Math.cos(0.3), b: 0.9 * Math.sin(0.3), tx: -300, ty: -200 }, // inside, about 1:1, rotated
    { a: 0.25, b: 0.02, tx: -60, ty: -40 }, // a large face shrunk 4x: 16 samples a pixel
    { a: 1.1, b: -0.1, tx: 40, ty: 30 }, // the photo's corner: taps outside are black
  ];
  for (const m of cases) {
    const got = warpSimilarity(rgb, w, h, m, 112);
    const want = plain(rgb, w, h, m, 112);
    const differ = got.findIndex((x, i) => Math.abs(x - want[i]!) > 1);
    assert.equal(differ, -1, `${JSON.stringify(m)}: byte ${differ}`);
    assert.ok(got.some((x) => x > 0));
  }
});
