// Test (unit): thumbnail files — written where thumbPath says, and written again after their folder went; faces lying
// turned round get upright thumbnails.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { renderThumb, thumbPath, writeThumbFile } from '../../../../src/engine/library/thumbs.js';
import { rng } from '../../../../src/engine/random.js';
import { quarterTurnsOf } from '../../../../src/engine/vision/turned.js';
import { tempDir } from '../../../helpers/tmp.js';

test('a thumbnail lands in its folder, and still does after the folder was deleted under the importer', async () => {
  const db = join(tempDir(), 'library.db');
  const a = thumbPath(db, 7);
  await writeThumbFile(a, Uint8Array.of(1, 2, 3));
  assert.deepEqual([...readFileSync(a)], [1, 2, 3]);
  rmSync(dirname(dirname(a)), { recursive: true }); // the whole thumbs folder, as a user might
  const b = thumbPath(db, 7 + 256); // same shard folder
  assert.equal(dirname(b), dirname(a));
  await writeThumbFile(b, Uint8Array.of(4));
  assert.deepEqual([...readFileSync(b)], [4]);
});

test('a face lying on its side or upside down gets the thumbnail it would have upright', async () => {
  // A photo of smooth random blobs (so resampling keeps its look), a face box and its 5 landmarks, upright.
  const w = 96, h = 80; // prettier-ignore
  const rand = rng(9);
  const small = Uint8Array.from({ length: 12 * 10 * 3 }, () => Math.floor(rand() * 256));
  const upright = new Uint8Array(
    await sharp(small, { raw: { width: 12, height: 10, channels: 3 } })
      .resize(w, h)
      .raw()
      .toBuffer(),
  );
  const box = { x: 30, y: 20, w: 30, h: 36 };
  const five: [number, number][] = [[38, 32], [52, 32], [45, 40], [39, 48], [51, 48]]; // prettier-ignore
  assert.equal(quarterTurnsOf(five), 0);
  const want = await sharp(await renderThumb({ data: upright, width: w, height: h }, box, five))
    .raw()
    .toBuffer();
  for (const k of [1, 2, 3]) {
    // The same photo turned k quarter turns clockwise, with its box and landmarks turned alike.
    const turned = await sharp(upright, { raw: { width: w, height: h, channels: 3 } })
      .rotate(90 * k)
      .raw()
      .toBuffer({
        resolveWithObject: true,
      });
    const W = turned.info.width, H = turned.info.height; // prettier-ignore
    const turn = ([x, y]: [number, number]): [number, number] =>
      k === 1 ? [h - y, x] : k === 2 ? [w - x, h - y] : [y, w - x];
    const corners = [turn([box.x, box.y]), turn([box.x + box.w, box.y + box.h])];
    const tbox = {
      x: Math.min(corners[0]![0], corners[1]![0]),
      y: Math.min(corners[0]![1], corners[1]![1]),
      w: Math.abs(corners[0]![0] - corners[1]![0]),
      h: Math.abs(corners[0]![1] - corners[1]![1]),
    };
    const tfive = five.map(turn);
    assert.equal(quarterTurnsOf(tfive), k);
    assert.equal(quarterTurnsOf(Float32Array.from(tfive.flat())), k);
    const got = await sharp(await renderThumb({ data: new Uint8Array(turned.data), width: W, height: H }, tbox, tfive))
      .raw()
      .toBuffer();
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff += Math.abs(got[i]! - want[i]!);
    assert.ok(diff / got.length < 12, `turned ${k}: mean difference ${(diff / got.length).toFixed(1)} from upright`);
  }
  assert.equal(quarterTurnsOf(new Float32Array(0)), 0, 'no landmarks: not turned');
});
