// Test (unit): 68 -> 5 landmark reduction, box from landmarks and the grey crop (engine/vision/landmarks.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../../../src/engine/random.js';
import { boxFrom68, cropGrey, fiveFrom68 } from '../../../../src/engine/vision/landmarks.js';
import type { Box, Point } from '../../../../src/engine/vision/types.js';

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

test('cropGrey: large boxes (grey made only where read) and small ones give the plain per-sample filter exactly', () => {
  // The plain filter: every sample reads the 4 grey pixels around it, each worked out from the RGB as it is read.
  const plain = (rgb: Uint8Array, width: number, height: number, box: Box, size: number) => {
    const sx = box.w / size, sy = box.h / size; // prettier-ignore
    const ss = Math.max(1, Math.min(4, Math.round(Math.max(sx, sy))));
    const rx0 = Math.max(0, Math.floor(box.x) - 1), ry0 = Math.max(0, Math.floor(box.y) - 1); // prettier-ignore
    const rw = Math.min(width - 1, Math.ceil(box.x + box.w) + 1) - rx0 + 1;
    const rh = Math.min(height - 1, Math.ceil(box.y + box.h) + 1) - ry0 + 1;
    const grey = (x: number, y: number) => {
      const o = ((ry0 + y) * width + rx0 + x) * 3;
      return Math.fround(0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!);
    };
    const out = new Float32Array(size * size);
    for (let v = 0; v < size; v++)
      for (let u = 0; u < size; u++) {
        let acc = 0;
        for (let j = 0; j < ss; j++) {
          const y = Math.min(rh - 1, Math.max(0, box.y + (v + (j + 0.5) / ss) * sy - 0.5 - ry0));
          const y0 = Math.floor(y), fy = y - y0, y1 = Math.min(rh - 1, y0 + 1); // prettier-ignore
          for (let i = 0; i < ss; i++) {
            const x = Math.min(rw - 1, Math.max(0, box.x + (u + (i + 0.5) / ss) * sx - 0.5 - rx0));
            const x0 = Math.floor(x), fx = x - x0, x1 = Math.min(rw - 1, x0 + 1); // prettier-ignore
            acc +=
              (grey(x0, y0) * (1 - fx) + grey(x1, y0) * fx) * (1 - fy) +
              (grey(x0, y1) * (1 - fx) + grey(x1, y1) * fx) * fy;
          }
        }
        out[v * size + u] = acc / (ss * ss * 256);
      }
    return out;
  };
  const rand = rng(7);
  const w = 1600, h = 1200; // prettier-ignore
  const rgb = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256));
  const boxes: Box[] = [
    { x: 100.3, y: 50.7, w: 1400.2, h: 1100.9 }, // large: only the read pixels are made grey
    { x: 500.5, y: 400.25, w: 90, h: 110 }, // small: the whole box is made grey
    { x: -20.5, y: 1100, w: 150, h: 160 }, // over two edges
  ];
  for (const box of boxes)
    for (const size of [64, 112]) {
      const got = cropGrey(rgb, w, h, box, size);
      const want = plain(rgb, w, h, box, size);
      const differ = got.findIndex((x, i) => Math.abs(x - want[i]!) > 1e-6 * Math.abs(want[i]!));
      assert.equal(differ, -1, `box ${JSON.stringify(box)} size ${size}: sample ${differ}`);
    }
});
