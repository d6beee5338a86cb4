// Engine (store): Float32Array <-> SQLite BLOB conversion for landmarks, features and embeddings.

/**
 * [Note: float blobs] Vectors are stored as little-endian float32 bytes (the byte order of every machine Node
 * ships for). Writing shares the array's memory (better-sqlite3 copies on bind). Reading always copies into a
 * fresh, 4-byte aligned Float32Array: a Buffer from SQLite may sit at any byteOffset in a pooled ArrayBuffer,
 * and `new Float32Array(buf.buffer, buf.byteOffset)` throws (or aliases memory that is reused) when it does.
 */
export function f32ToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export class BlobSizeError extends Error {
  constructor(got: number, want: number) {
    super(`stored vector has ${got} bytes, expected ${want}`);
    this.name = 'BlobSizeError';
  }
}

/** A copy of the blob's floats; `length` (when given) is the number of floats the blob must hold. */
export function blobToF32(blob: Uint8Array, length?: number): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new BlobSizeError(blob.byteLength, Math.ceil(blob.byteLength / 4) * 4);
  if (length !== undefined && blob.byteLength !== length * 4) throw new BlobSizeError(blob.byteLength, length * 4);
  const out = new Float32Array(blob.byteLength / 4);
  blobInto(blob, out, 0, out.length);
  return out;
}

/** Copies the blob's floats into `out` at float offset `at`, with no temporary; the blob must hold `length` floats. */
export function blobInto(blob: Uint8Array, out: Float32Array, at: number, length: number): void {
  if (blob.byteLength !== length * 4) throw new BlobSizeError(blob.byteLength, length * 4);
  new Uint8Array(out.buffer, out.byteOffset + at * 4, length * 4).set(blob);
}

/** 5 landmark points as [x0, y0, x1, y1, ...] float32. */
export function pointsToF32(
  points: readonly { x: number; y: number }[] | readonly (readonly [number, number])[],
): Float32Array {
  const out = new Float32Array(points.length * 2);
  points.forEach((p, i) => {
    const [x, y] = Array.isArray(p)
      ? (p as readonly [number, number])
      : [(p as { x: number }).x, (p as { y: number }).y];
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  return out;
}

export function f32ToPoints(v: Float32Array): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i + 1 < v.length; i += 2) out.push({ x: v[i]!, y: v[i + 1]! });
  return out;
}
