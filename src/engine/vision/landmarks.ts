// Engine (vision): 68-point face landmarks (fr_landmark.onnx, 64x64 grey crop of the face box) and the 68 -> 5 reduction.
import type { LoadedSession } from './ort.js';
import { batchLimit, ort } from './ort.js';
import type { Box, Point } from './types.js';

export const landmarkOptions = {
  size: 64,
  /** Also run the net on the mirrored crop and average the (re-indexed, mirrored back) points with the direct ones. */
  flipAverage: false,
  /** Extra passes, each on a box re-centred from the previous pass's landmarks (see [Note: landmark second pass]). */
  refinePasses: 1,
  /**
   * Box from landmarks: centre = the 68 points' centre + (dx, dy) * spread, size = (sideW, sideH) * spread, where
   * spread is the distance from the eye centre to the mouth centre. The detector's own boxes measure (medians over
   * 298 LFW faces) dx -0.008, dy -0.281, sideW 2.054, sideH 2.877; this slightly wider, lower box scored a little
   * better on full LFW (99.23% against 99.13%, within noise; bench/vision-candidates.ts).
   */
  boxFromLandmarks: { dx: 0, dy: -0.05, sideW: 2.2, sideH: 2.6 },
};
export type LandmarkOptions = typeof landmarkOptions;

/**
 * Samples a box of an RGB image into a size x size grey float image (value/256), bilinear with area supersampling.
 * The filter is separable: each sample column's two source columns and weight, and each sample row's, are worked
 * out once. A small box is made grey whole; a large one (a face filling a 12 MP photo covers millions of pixels, of
 * which the filter reads a few hundred thousand) only where the filter reads it. Both give the same floats.
 */
export function cropGrey(
  rgb: Uint8Array,
  width: number,
  height: number,
  box: Box,
  size: number,
  out: Float32Array = new Float32Array(size * size),
): Float32Array {
  const sx = box.w / size, sy = box.h / size; // prettier-ignore
  const ss = Math.max(1, Math.min(4, Math.round(Math.max(sx, sy))));
  // The part of the photo the box covers (edge pixels repeat outside the photo).
  const rx0 = Math.max(0, Math.floor(box.x) - 1), ry0 = Math.max(0, Math.floor(box.y) - 1); // prettier-ignore
  const rx1 = Math.min(width - 1, Math.ceil(box.x + box.w) + 1), ry1 = Math.min(height - 1, Math.ceil(box.y + box.h) + 1); // prettier-ignore
  const rw = Math.max(1, rx1 - rx0 + 1), rh = Math.max(1, ry1 - ry0 + 1); // prettier-ignore
  const taps = (origin: number, step: number, first: number, last: number) => {
    const lo = new Int32Array(size * ss), hi = new Int32Array(size * ss), f = new Float64Array(size * ss); // prettier-ignore
    for (let v = 0, t = 0; v < size; v++)
      for (let j = 0; j < ss; j++, t++) {
        const c = Math.min(last, Math.max(0, origin + (v + (j + 0.5) / ss) * step - 0.5 - first));
        lo[t] = Math.floor(c);
        f[t] = c - lo[t]!;
        hi[t] = Math.min(last, lo[t]! + 1);
      }
    return { lo, hi, f };
  };
  const X = taps(box.x, sx, rx0, rw - 1);
  const Y = taps(box.y, sy, ry0, rh - 1);
  const grey = new Float32Array(rw * rh);
  const toGrey = (y: number, x: number) => {
    const o = ((ry0 + y) * width + rx0 + x) * 3;
    grey[y * rw + x] = 0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!;
  };
  if (rw * rh <= 4 * X.lo.length * Y.lo.length) for (let y = 0; y < rh; y++) for (let x = 0; x < rw; x++) toGrey(y, x);
  else
    for (const y of new Set([...Y.lo, ...Y.hi]))
      for (let t = 0; t < X.lo.length; t++) {
        toGrey(y, X.lo[t]!);
        toGrey(y, X.hi[t]!);
      }
  const k = 1 / (ss * ss * 256);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      let acc = 0;
      for (let j = 0; j < ss; j++) {
        const ty = v * ss + j;
        const r0 = Y.lo[ty]! * rw, r1 = Y.hi[ty]! * rw, fy = Y.f[ty]!; // prettier-ignore
        for (let i = 0; i < ss; i++) {
          const tx = u * ss + i;
          const x0 = X.lo[tx]!, x1 = X.hi[tx]!, fx = X.f[tx]!; // prettier-ignore
          const top = grey[r0 + x0]! * (1 - fx) + grey[r0 + x1]! * fx;
          const bot = grey[r1 + x0]! * (1 - fx) + grey[r1 + x1]! * fx;
          acc += top * (1 - fy) + bot * fy;
        }
      }
      out[v * size + u] = acc * k;
    }
  }
  return out;
}

const mean = (pts: Point[], from: number, to: number): Point => {
  let x = 0, y = 0; // prettier-ignore
  for (let i = from; i <= to; i++) {
    x += pts[i]![0];
    y += pts[i]![1];
  }
  return [x / (to - from + 1), y / (to - from + 1)];
};

/** 68 iBUG points -> the 5 ArcFace points: eye centres (mean of 6 points each), nose tip (30), mouth corners (48, 54). */
export function fiveFrom68(p: Point[]): Point[] {
  if (p.length !== 68) throw new Error(`expected 68 landmarks, got ${p.length}`);
  return [mean(p, 36, 41), mean(p, 42, 47), p[30]!, p[48]!, p[54]!];
}

/** iBUG-68 index of each point's mirror image (left eye <-> right eye, jaw reversed, ...). */
export const MIRROR_68: readonly number[] = Array.from({ length: 68 }, (_, i) => {
  if (i <= 16) return 16 - i;
  if (i <= 26) return 43 - i;
  if (i <= 30) return i;
  if (i <= 35) return 66 - i;
  if (i <= 47) return [45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40][i - 36]!;
  if (i <= 54) return 102 - i;
  if (i <= 59) return 114 - i;
  if (i <= 64) return 124 - i;
  return 132 - i;
});

/** A face box predicted from 68 landmarks (the second pass's input). */
export function boxFrom68(p: Point[], o = landmarkOptions.boxFromLandmarks): Box {
  const [le, re, , lm, rm] = fiveFrom68(p);
  const eyes: Point = [(le![0] + re![0]) / 2, (le![1] + re![1]) / 2];
  const mouth: Point = [(lm![0] + rm![0]) / 2, (lm![1] + rm![1]) / 2];
  const spread = Math.hypot(mouth[0] - eyes[0], mouth[1] - eyes[1]);
  const c = mean(p, 0, 67);
  const cx = c[0] + o.dx * spread, cy = c[1] + o.dy * spread; // prettier-ignore
  const w = o.sideW * spread, h = o.sideH * spread; // prettier-ignore
  return { x: cx - w / 2, y: cy - h / 2, w, h };
}

export class LandmarkModel {
  private input = new Float32Array(0);
  constructor(
    private readonly loaded: LoadedSession,
    readonly options: LandmarkOptions = landmarkOptions,
  ) {}

  /**
   * The net on `count` stacked size x size crops: one run (see [Note: dynamic batch]), or several where the model
   * loaded as shipped takes fewer at a time; 136 values per crop.
   */
  private async run(input: Float32Array, count: number): Promise<Float32Array> {
    const n = this.options.size;
    const per = Math.min(count, batchLimit(this.loaded));
    const out = new Float32Array(count * 136);
    for (let from = 0; from < count; from += per) {
      const m = Math.min(per, count - from);
      const chunk = input.subarray(from * n * n, (from + m) * n * n);
      const r = await this.loaded.session.run({ input: new ort.Tensor('float32', chunk, [m, 1, n, n]) });
      out.set((r.output!.data as Float32Array).subarray(0, m * 136), from * 136);
    }
    return out;
  }

  /** 68 points (photo pixels) of the face in each box, all boxes in one run (two with `flipAverage`). */
  async predict68Many(
    image: { data: Uint8Array; width: number; height: number },
    boxes: readonly Box[],
  ): Promise<Point[][]> {
    if (boxes.length === 0) return [];
    const n = this.options.size;
    const plane = n * n;
    const flip = this.options.flipAverage;
    const count = boxes.length * (flip ? 2 : 1);
    if (this.input.length < count * plane) this.input = new Float32Array(count * plane);
    const input = this.input.subarray(0, count * plane);
    boxes.forEach((box, b) =>
      cropGrey(image.data, image.width, image.height, box, n, input.subarray(b * plane, (b + 1) * plane)),
    );
    if (flip) {
      const m0 = boxes.length * plane;
      for (let b = 0; b < boxes.length; b++)
        for (let y = 0; y < n; y++)
          for (let x = 0; x < n; x++) input[m0 + b * plane + y * n + x] = input[b * plane + y * n + (n - 1 - x)]!;
    }
    const all = await this.run(input, count);
    return boxes.map((box, b) => {
      const v = all.subarray(b * 136, (b + 1) * 136);
      if (flip) {
        const m = all.subarray((boxes.length + b) * 136, (boxes.length + b + 1) * 136);
        const avg = new Float32Array(136);
        for (let i = 0; i < 68; i++) {
          const j = MIRROR_68[i]!;
          avg[2 * i] = (v[2 * i]! + 1 - m[2 * j]!) / 2;
          avg[2 * i + 1] = (v[2 * i + 1]! + m[2 * j + 1]!) / 2;
        }
        return toPoints(avg, box);
      }
      return toPoints(v, box);
    });
  }

  /** 68 points (photo pixels) of the face in `box`. */
  async predict68(image: { data: Uint8Array; width: number; height: number }, box: Box): Promise<Point[]> {
    return (await this.predict68Many(image, [box]))[0]!;
  }

  /**
   * 68 points, refined on re-centred boxes.
   * [Note: landmark second pass] The landmark net regresses points inside the box it is given, and detector boxes
   * jitter (tiles, scales, partial occlusion). A second pass on a box rebuilt from the first pass's points, with the
   * detector's average geometry, feeds the net the framing it expects; bench/vision-candidates.ts measures the gain.
   */
  async predict(image: { data: Uint8Array; width: number; height: number }, box: Box): Promise<Point[]> {
    return (await this.predictMany(image, [box]))[0]!;
  }

  /**
   * predict() for one box, and how far its last refining pass moved the 5 points, in eye distances. On a face the
   * net recognises, the second pass only nudges the points; on a face it cannot read (one lying on its side, see
   * [Note: turned faces]) they jump. 0 when there is no refining pass.
   */
  async predictSteadiness(
    image: { data: Uint8Array; width: number; height: number },
    box: Box,
  ): Promise<{ points: Point[]; moved: number }> {
    const { last, before } = await this.#passes(image, [box]);
    if (!before) return { points: last[0]!, moved: 0 };
    const a = fiveFrom68(before[0]!), b = fiveFrom68(last[0]!); // prettier-ignore
    const eyes = Math.hypot(b[1]![0] - b[0]![0], b[1]![1] - b[0]![1]) || 1;
    const moved = a.reduce((sum, p, j) => sum + Math.hypot(p[0] - b[j]![0], p[1] - b[j]![1]), 0) / a.length / eyes;
    return { points: last[0]!, moved };
  }

  /** predict() for every box, each pass over all the boxes in one run. */
  async predictMany(
    image: { data: Uint8Array; width: number; height: number },
    boxes: readonly Box[],
  ): Promise<Point[][]> {
    return (await this.#passes(image, boxes)).last;
  }

  /** The first pass, then `refinePasses` on boxes rebuilt from the points before: the last pass and the one before. */
  async #passes(
    image: { data: Uint8Array; width: number; height: number },
    boxes: readonly Box[],
  ): Promise<{ last: Point[][]; before?: Point[][] }> {
    let last = await this.predict68Many(image, boxes);
    let before: Point[][] | undefined;
    for (let i = 0; i < this.options.refinePasses; i++) {
      before = last;
      last = await this.predict68Many(
        image,
        last.map((p) => boxFrom68(p, this.options.boxFromLandmarks)),
      );
    }
    return before ? { last, before } : { last };
  }
}

function toPoints(v: ArrayLike<number>, box: Box): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < 68; i++) pts.push([box.x + v[2 * i]! * box.w, box.y + v[2 * i + 1]! * box.h]);
  return pts;
}
