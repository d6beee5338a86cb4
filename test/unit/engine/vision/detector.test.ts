// Test (unit): the detector's pyramid plan, box overlap, NMS and fragments (engine/vision/detector.ts, boxes.ts; no model).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insideShare, iou } from '../../../../src/engine/vision/boxes.js';
import { detectorOptions, dropContained, nms, planLevels } from '../../../../src/engine/vision/detector.js';

test('a small photo is one level, one tile', () => {
  const levels = planLevels(250, 250);
  assert.equal(levels.length, 1);
  assert.equal(levels[0]!.tiles.length, 1);
  assert.ok(levels[0]!.scale <= 1);
});

test('a large photo gets finer levels whose tiles cover it with the promised overlap', () => {
  const o = detectorOptions;
  const levels = planLevels(1366, 768);
  assert.ok(levels.length >= 2);
  assert.ok(levels[0]!.width <= o.inputWidth && levels[0]!.height <= o.inputHeight, 'coarsest level fits one tile');
  for (const l of levels.slice(1)) {
    const xs = [...new Set(l.tiles.map((t) => t[0]))].sort((a, b) => a - b);
    const ys = [...new Set(l.tiles.map((t) => t[1]))].sort((a, b) => a - b);
    assert.equal(xs[0], 0);
    assert.equal(xs.at(-1)! + o.inputWidth, l.width, 'last column ends at the right edge');
    assert.equal(ys.at(-1)! + o.inputHeight, l.height, 'last row ends at the bottom edge');
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i - 1]! + o.inputWidth - xs[i]! >= o.tileOverlap, 'x overlap');
    for (let i = 1; i < ys.length; i++) assert.ok(ys[i - 1]! + o.inputHeight - ys[i]! >= o.tileOverlap, 'y overlap');
  }
  for (let i = 1; i < levels.length; i++)
    assert.ok(levels[i]!.scale > levels[i - 1]!.scale * 1.3, 'each level clearly finer');
  assert.ok(levels.reduce((n, l) => n + l.tiles.length, 0) <= o.maxTiles);
  // A 640x480 photo reaches the scale where a minFacePx face is netMinFace input pixels.
  const small = planLevels(640, 480);
  assert.ok(Math.abs(small.at(-1)!.scale - o.netMinFace / o.minFacePx) < 1e-9);
});

test('the tile budget stops a huge photo from exploding', () => {
  const levels = planLevels(8000, 6000);
  const tiles = levels.reduce((n, l) => n + l.tiles.length, 0);
  assert.ok(tiles <= detectorOptions.maxTiles, `${tiles} tiles`);
});

test('iou and nms', () => {
  const a = { x: 0, y: 0, w: 10, h: 10 };
  assert.equal(iou(a, a), 1);
  assert.equal(iou(a, { x: 20, y: 0, w: 10, h: 10 }), 0);
  assert.ok(Math.abs(iou(a, { x: 5, y: 0, w: 10, h: 10 }) - 50 / 150) < 1e-12);
  const kept = nms(
    [
      { box: a, score: 0.8 },
      { box: { x: 1, y: 1, w: 10, h: 10 }, score: 0.9 },
      { box: { x: 50, y: 50, w: 10, h: 10 }, score: 0.7 },
    ],
    0.4,
  );
  assert.deepEqual(
    kept.map((d) => d.score),
    [0.9, 0.7],
  );
});

test('a box mostly inside a larger face is a fragment of it and goes; faces side by side stay', () => {
  const face = { box: { x: 100, y: 50, w: 100, h: 130 }, score: 0.99 };
  const mouth = { box: { x: 110, y: 125, w: 90, h: 60 }, score: 1 }; // the lower part, a little outside
  const neighbour = { box: { x: 215, y: 60, w: 90, h: 120 }, score: 0.95 };
  assert.ok(insideShare(mouth.box, face.box) > 0.9 && insideShare(face.box, mouth.box) < 0.5);
  assert.ok(iou(mouth.box, face.box) < detectorOptions.nmsIou, 'NMS alone keeps the fragment');
  const o = detectorOptions;
  const kept = dropContained([mouth, face, neighbour], o.containedShare, o.containerMaxArea);
  assert.deepEqual(kept, [face, neighbour], 'best score first, the fragment gone');
  // a small face inside a much larger box (a false detection around it) is kept
  const small = { box: { x: 120, y: 70, w: 20, h: 20 }, score: 0.9 };
  assert.equal(dropContained([face, small], o.containedShare, o.containerMaxArea).length, 2);
  // overlapping by less than the share: both stay; share 1 turns the rule off
  const half = { box: { x: 150, y: 50, w: 100, h: 100 }, score: 0.9 };
  assert.equal(dropContained([face, half], o.containedShare, o.containerMaxArea).length, 2);
  assert.equal(dropContained([face, mouth], 1, o.containerMaxArea).length, 2);
});
