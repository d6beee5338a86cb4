// Test (unit): 68 -> 5 landmark reduction, box from landmarks and the grey crop (engine/vision/landmarks.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxFrom68, cropGrey, fiveFrom68 } from '../../../../src/engine/vision/landmarks.js';
import type { Point } from '../../../../src/engine/vision/types.js';

const pts68 = (): Point[] => Array.from({ length: 68 }, (_, i) => [i, 1000 + i] as Point);

test('fiveFrom68: eye centres are the means of 36-41 and 42-47, nose 30, mouth 48 and 54', () => {
  const five = fiveFrom68(pts68());
  assert.deepEqual(five, [
    [38.5, 1038.5],
    [44.5, 1044.5],
    [30, 1030],
    [48, 1048],
    [54, 1054],
  ]);
  assert.throws(() => fiveFrom68(pts68().slice(0, 5)), /68/);
});

test('boxFrom68 is centred on the points and scales with the face', () => {
  const face: Point[] = pts68().map(([x, y]) => [x * 2, y * 0.01] as Point);
  const b1 = boxFrom68(face);
  const big = face.map(([x, y]) => [x * 3, y * 3] as Point);
  const b3 = boxFrom68(big);
  assert.ok(Math.abs(b3.w / b1.w - 3) < 1e-9);
  assert.ok(Math.abs(b3.h / b1.h - 3) < 1e-9);
});

test('cropGrey: a grey ramp keeps its ramp; values are /256', () => {
  const w = 100, h = 50; // prettier-ignore
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.fill(x * 2, (y * w + x) * 3, (y * w + x) * 3 + 3);
  const out = cropGrey(rgb, w, h, { x: 0, y: 0, w: 100, h: 50 }, 10);
  assert.equal(out.length, 100);
  for (let u = 1; u < 10; u++) assert.ok(out[u]! > out[u - 1]!, 'increasing left to right');
  assert.ok(out[9]! < 1 && out[0]! >= 0);
  assert.ok(Math.abs(out[0]! - out[90]!) < 1e-6, 'rows equal');
});

test('MIRROR_68 is an involution that swaps the eyes and mouth corners and keeps the nose line', async () => {
  const { MIRROR_68 } = await import('../../../../src/engine/vision/landmarks.js');
  assert.equal(MIRROR_68.length, 68);
  for (let i = 0; i < 68; i++) assert.equal(MIRROR_68[MIRROR_68[i]!], i, `point ${i}`);
  assert.deepEqual(
    [36, 39, 42, 45, 48, 54, 30, 8].map((i) => MIRROR_68[i]),
    [45, 42, 39, 36, 54, 48, 30, 8],
  );
  assert.deepEqual(new Set(MIRROR_68).size, 68);
});
