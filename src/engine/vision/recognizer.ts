// Engine (vision): the frozen recognizer backbone (fr_feature.onnx, MobileFaceNet 512-D) on 112x112 aligned RGB crops.
import type { LoadedSession } from './ort.js';
import { ort } from './ort.js';
import { ALIGNED_SIZE } from './align.js';

export const FEATURE_DIM = 512;

/** Mirror image of a square RGB HWC crop. */
export function flipCrop(crop: Uint8Array, size = ALIGNED_SIZE): Uint8Array {
  const out = new Uint8Array(crop.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 3, d = (y * size + (size - 1 - x)) * 3; // prettier-ignore
      out[d] = crop[s]!;
      out[d + 1] = crop[s + 1]!;
      out[d + 2] = crop[s + 2]!;
    }
  return out;
}

export class Recognizer {
  private readonly input = new Float32Array(3 * ALIGNED_SIZE * ALIGNED_SIZE);
  constructor(private readonly loaded: LoadedSession) {}

  /** Raw 512-D feature of one aligned crop (112x112x3 RGB, HWC). */
  async embed(crop: Uint8Array): Promise<Float32Array> {
    const n = ALIGNED_SIZE * ALIGNED_SIZE;
    if (crop.length !== n * 3) throw new Error(`expected a 112x112x3 crop (${n * 3} bytes), got ${crop.length}`);
    for (let i = 0; i < n; i++) {
      this.input[i] = (crop[i * 3]! - 127.5) / 128;
      this.input[i + n] = (crop[i * 3 + 1]! - 127.5) / 128;
      this.input[i + 2 * n] = (crop[i * 3 + 2]! - 127.5) / 128;
    }
    const out = await this.loaded.session.run({
      input: new ort.Tensor('float32', this.input, [1, 3, ALIGNED_SIZE, ALIGNED_SIZE]),
    });
    return new Float32Array(out.output!.data as Float32Array);
  }

  /** Feature of the crop plus that of its mirror image (the "flip test"), when `flip`. */
  async embedMaybeFlipped(crop: Uint8Array, flip: boolean): Promise<Float32Array> {
    const f = await this.embed(crop);
    if (!flip) return f;
    const g = await this.embed(flipCrop(crop));
    for (let i = 0; i < f.length; i++) f[i] = f[i]! + g[i]!;
    return f;
  }
}
