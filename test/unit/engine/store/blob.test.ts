// Unit tests (engine/store): Float32Array <-> BLOB conversion, including misaligned buffers and wrong sizes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlobSizeError, blobToF32, f32ToBlob, f32ToPoints, pointsToF32 } from '../../../../src/engine/store/blob.js';

test('a vector survives the round trip bit for bit', () => {
  const v = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i) * 1e3 + 1 / (i + 1));
  const back = blobToF32(f32ToBlob(v), 512);
  assert.deepEqual(Array.from(back), Array.from(v));
});

test('a blob at an odd byte offset is copied, not misread', () => {
  const v = Float32Array.from([1.5, -2.25, 3.125]);
  const raw = Buffer.alloc(13);
  Buffer.from(v.buffer).copy(raw, 1); // floats start at offset 1: a Float32Array view there would throw
  const back = blobToF32(raw.subarray(1), 3);
  assert.deepEqual(Array.from(back), [1.5, -2.25, 3.125]);
  raw.fill(0);
  assert.deepEqual(Array.from(back), [1.5, -2.25, 3.125], 'the result does not alias the source bytes');
});

test('a subarray view writes only its own floats', () => {
  const big = Float32Array.from([9, 1, 2, 9]);
  assert.deepEqual(Array.from(blobToF32(f32ToBlob(big.subarray(1, 3)))), [1, 2]);
});

test('wrong sizes are refused', () => {
  assert.throws(() => blobToF32(Buffer.alloc(7)), BlobSizeError);
  assert.throws(() => blobToF32(Buffer.alloc(8), 3), BlobSizeError);
});

test('landmark points convert both ways from objects and pairs', () => {
  const pts = [
    [1, 2],
    [3, 4],
  ] as [number, number][];
  assert.deepEqual(Array.from(pointsToF32(pts)), [1, 2, 3, 4]);
  assert.deepEqual(f32ToPoints(pointsToF32([{ x: 5, y: 6 }])), [{ x: 5, y: 6 }]);
});
