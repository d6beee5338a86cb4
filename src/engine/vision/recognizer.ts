// Engine (vision): the frozen recognizer backbone (fr_feature.onnx, MobileFaceNet 512-D) on 112x112 aligned RGB crops.
import type { LoadedSession } from './ort.js';
import { batchLimit, ort } from './ort.js';
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

export const recognizerOptions = {
  /**
   * Crops per ORT run (see [Note: dynamic batch]). On CPU a batch costs what its faces cost one by one (ORT's
   * convolutions loop over the batch; measured 11.5 ms/face at 1 and 11.9 at 32 before the PRelu rewrite), so
   * batching there only saves per-call overhead; on a GPU it is what keeps the device busy. 16 bounds the input
   * buffer to 2.4 MB.
   */
  maxBatch: 16,
};

export class Recognizer {
  private input = new Float32Array(3 * ALIGNED_SIZE * ALIGNED_SIZE);
  /** Crops per run: `maxBatch`, or 1 where the model loaded as shipped (batch 1). */
  readonly batch: number;
  constructor(
    private readonly loaded: LoadedSession,
    readonly options = recognizerOptions,
  ) {
    this.batch = Math.max(1, Math.min(options.maxBatch, batchLimit(loaded)));
  }

  /** Raw 512-D feature of one aligned crop (112x112x3 RGB, HWC). */
  async embed(crop: Uint8Array): Promise<Float32Array> {
    return (await this.embedBatch([crop]))[0]!;
  }

  /** Raw 512-D features of aligned crops, `maxBatch` crops per inference run. */
  async embedBatch(crops: readonly Uint8Array[]): Promise<Float32Array[]> {
    const n = ALIGNED_SIZE * ALIGNED_SIZE;
    const out: Float32Array[] = [];
    for (let from = 0; from < crops.length; from += this.batch) {
      const batch = crops.slice(from, from + this.batch);
      if (this.input.length < batch.length * 3 * n) this.input = new Float32Array(batch.length * 3 * n);
      const input = this.input.subarray(0, batch.length * 3 * n);
      batch.forEach((crop, b) => {
        if (crop.length !== n * 3) throw new Error(`expected a 112x112x3 crop (${n * 3} bytes), got ${crop.length}`);
        const o = b * 3 * n;
        for (let i = 0; i < n; i++) {
          input[o + i] = (crop[i * 3]! - 127.5) / 128;
          input[o + i + n] = (crop[i * 3 + 1]! - 127.5) / 128;
          input[o + i + 2 * n] = (crop[i * 3 + 2]! - 127.5) / 128;
        }
      });
      const res = await this.loaded.session.run({
        input: new ort.Tensor('float32', input, [batch.length, 3, ALIGNED_SIZE, ALIGNED_SIZE]),
      });
      const data = res.output!.data as Float32Array;
      if (data.length !== batch.length * FEATURE_DIM)
        throw new Error(`recognizer gave ${data.length} values for ${batch.length} crops`);
      for (let b = 0; b < batch.length; b++) out.push(data.slice(b * FEATURE_DIM, (b + 1) * FEATURE_DIM));
    }
    return out;
  }

  /** Feature of the crop plus that of its mirror image (the "flip test"), when `flip`. */
  async embedMaybeFlipped(crop: Uint8Array, flip: boolean): Promise<Float32Array> {
    return (await this.embedMany([crop], flip))[0]!;
  }

  /** Features of many crops in batches; with `flip`, each is its crop's plus its mirror image's. */
  async embedMany(crops: readonly Uint8Array[], flip: boolean): Promise<Float32Array[]> {
    if (!flip) return this.embedBatch(crops);
    const all = await this.embedBatch([...crops, ...crops.map((c) => flipCrop(c))]);
    const f = all.slice(0, crops.length);
    f.forEach((v, i) => {
      const g = all[crops.length + i]!;
      for (let j = 0; j < v.length; j++) v[j] = v[j]! + g[j]!;
    });
    return f;
  }
}
