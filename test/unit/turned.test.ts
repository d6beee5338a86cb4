// Unit tests (engine vision): the turned view of a face ([Note: turned faces]) shows the photo's pixels turned round,
// and its way back lands on the same photo pixels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySimilarity } from '../../src/engine/vision/align.js';
import { turnOptions, turnedView, worthTurning } from '../../src/engine/vision/turned.js';
import { rng } from '../../src/engine/random.js';

/** A photo whose pixels say where they are: red = x, green = y, blue = a checker. */
function photo(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = x;
      data[o + 1] = y;
      data[o + 2] = ((x >> 3) + (y >> 3)) % 2 ? 200 : 40;
    }
  return { data, width, height };
}

test('each view pixel is the photo pixel its way back points at, for every quarter turn', () => {
  const img = photo(240, 200);
  const rand = rng(4);
  for (let round = 0; round < 20; round++) {
    const box = { x: 60 + rand() * 40, y: 50 + rand() * 30, w: 30 + rand() * 20, h: 40 + rand() * 20 };
    for (const k of [0, 1, 2, 3]) {
      const v = turnedView(img, box, k);
      let checked = 0;
      for (let y = 4; y < v.image.height - 4; y += 5)
        for (let x = 4; x < v.image.width - 4; x += 5) {
          const [px, py] = applySimilarity(v.toPhoto, [x, y]);
          if (px < 1 || py < 1 || px > img.width - 2 || py > img.height - 2) continue;
          const o = (y * v.image.width + x) * 3;
          assert.ok(Math.abs(v.image.data[o]! - px) <= 1.5, `turn ${k}: red ${v.image.data[o]} at x ${px.toFixed(1)}`);
          assert.ok(
            Math.abs(v.image.data[o + 1]! - py) <= 1.5,
            `turn ${k}: green ${v.image.data[o + 1]} at y ${py.toFixed(1)}`,
          );
          checked++;
        }
      assert.ok(checked > 50, `${checked} pixels checked`);
      // The view is centred on the face and turned by k quarter turns: the photo's "up" points k quarter turns round.
      const [cx, cy] = applySimilarity(v.toPhoto, [v.image.width / 2, v.image.height / 2]);
      assert.ok(Math.hypot(cx - (box.x + box.w / 2), cy - (box.y + box.h / 2)) < 1e-6);
      const [ux, uy] = applySimilarity(v.toPhoto, [v.image.width / 2, v.image.height / 2 - 10]);
      const dir = [Math.round((ux - cx) / 10), Math.round((uy - cy) / 10)];
      assert.deepEqual(
        dir,
        [
          [0, -1],
          [-1, 0],
          [0, 1],
          [1, 0],
        ][k],
        `turn ${k}: view up is photo ${dir}`,
      );
    }
  }
});

test('the view keeps the face at most viewSide pixels and gives it an upright face box', () => {
  const img = photo(255, 255);
  const big = turnedView(img, { x: 20, y: 30, w: 200, h: 150 }, 1);
  assert.ok(big.image.width <= Math.ceil(turnOptions.viewSide * turnOptions.margin));
  // Turned a quarter turn, the box's height (150) is the face's width; the height follows the upright aspect.
  const s = turnOptions.viewSide / 200;
  assert.ok(Math.abs(big.box.w - 150 * s) < 1e-9);
  assert.ok(Math.abs(big.box.h - 150 * s * turnOptions.aspect) < 1e-9);
  const small = turnedView(img, { x: 100, y: 100, w: 40, h: 50 }, 2);
  assert.equal(small.image.width, Math.ceil(50 * turnOptions.margin)); // never enlarged
  assert.throws(() => turnedView(img, { x: 0, y: 0, w: 10, h: 10 }, 0.5), /whole number/);
});

test('only faces below the gate that the detector is sure of, and large enough, are worth turning', () => {
  const box = { x: 0, y: 0, w: 60, h: 80 };
  assert.equal(worthTurning(box, 0.95, 0.1), true);
  assert.equal(worthTurning(box, 0.95, turnOptions.below), false);
  assert.equal(worthTurning(box, turnOptions.minScore - 0.01, 0.1), false);
  assert.equal(worthTurning({ ...box, w: turnOptions.minSide - 1 }, 0.95, 0.1), false);
});
