// Engine (vision): 5-point similarity alignment of a face to the 112x112 ArcFace template (least squares, 4 DOF).
import type { Point } from './types.js';

/** The ArcFace 112x112 template: left eye, right eye, nose tip, left mouth corner, right mouth corner (pixels). */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

export const ALIGNED_SIZE = 112;

/** A 2-D similarity x' = [a -b; b a] x + [tx ty] (rotation, uniform scale, shift). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/**
 * Least-squares similarity mapping `src` onto `dst` (Umeyama's solution restricted to 2-D: no reflection).
 * With centred points x_i, y_i: a = sum(x.y)/sum|x|^2, b = sum(x cross y)/sum|x|^2, t = mean(dst) - M mean(src).
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  if (src.length !== dst.length || src.length < 2)
    throw new Error('estimateSimilarity needs two equal lists of >= 2 points');
  const n = src.length;
  let sx = 0, sy = 0, dx = 0, dy = 0; // prettier-ignore
  for (let i = 0; i < n; i++) {
    sx += src[i]![0];
    sy += src[i]![1];
    dx += dst[i]![0];
    dy += dst[i]![1]; // prettier-ignore
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n; // prettier-ignore
  let dot = 0, cross = 0, norm = 0; // prettier-ignore
  for (let i = 0; i < n; i++) {
    const x0 = src[i]![0] - sx, x1 = src[i]![1] - sy; // prettier-ignore
    const y0 = dst[i]![0] - dx, y1 = dst[i]![1] - dy; // prettier-ignore
    dot += x0 * y0 + x1 * y1;
    cross += x0 * y1 - x1 * y0;
    norm += x0 * x0 + x1 * x1;
  }
  if (norm < 1e-12) throw new Error('estimateSimilarity: the source points all coincide');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy) };
}

export function applySimilarity(m: Similarity, p: Point): Point {
  return [m.a * p[0] - m.b * p[1] + m.tx, m.b * p[0] + m.a * p[1] + m.ty];
}

export function invertSimilarity(m: Similarity): Similarity {
  const d = m.a * m.a + m.b * m.b;
  const a = m.a / d;
  const b = -m.b / d;
  return { a, b, tx: -(a * m.tx - b * m.ty), ty: -(b * m.tx + a * m.ty) };
}

/** Scale factor of a similarity (output pixels per input pixel). */
export const similarityScale = (m: Similarity) => Math.hypot(m.a, m.b);

/**
 * Warps an RGB HWC image through `m` (image -> output) into a size x size RGB crop, bilinear, black outside the image.
 * When the face is shrunk more than 2x, each output pixel averages a grid of samples (cheap area filtering, so the
 * crop of a large face is not aliased).
 */
export function warpSimilarity(
  rgb: Uint8Array,
  width: number,
  height: number,
  m: Similarity,
  size = ALIGNED_SIZE,
): Uint8Array {
  const inv = invertSimilarity(m);
  const out = new Uint8Array(size * size * 3);
  const shrink = 1 / similarityScale(m);
  const ss = Math.max(1, Math.min(4, Math.round(shrink)));
  const k = 1 / (ss * ss);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      let r = 0, g = 0, b = 0; // prettier-ignore
      for (let j = 0; j < ss; j++) {
        const fv = v + (ss === 1 ? 0 : (j + 0.5) / ss - 0.5);
        for (let i = 0; i < ss; i++) {
          const fu = u + (ss === 1 ? 0 : (i + 0.5) / ss - 0.5);
          const x = inv.a * fu - inv.b * fv + inv.tx;
          const y = inv.b * fu + inv.a * fv + inv.ty;
          const x0 = Math.floor(x), y0 = Math.floor(y); // prettier-ignore
          const fx = x - x0, fy = y - y0; // prettier-ignore
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
            // all four taps inside: the common case, without a bounds test per tap
            const o = (y0 * width + x0) * 3, p = o + width * 3; // prettier-ignore
            const w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx; // prettier-ignore
            r += w00 * rgb[o]!;
            g += w00 * rgb[o + 1]!;
            b += w00 * rgb[o + 2]!;
            r += w01 * rgb[o + 3]!;
            g += w01 * rgb[o + 4]!;
            b += w01 * rgb[o + 5]!;
            r += w10 * rgb[p]!;
            g += w10 * rgb[p + 1]!;
            b += w10 * rgb[p + 2]!;
            r += w11 * rgb[p + 3]!;
            g += w11 * rgb[p + 4]!;
            b += w11 * rgb[p + 5]!;
            continue;
          }
          for (let dy = 0; dy < 2; dy++) {
            const yy = y0 + dy;
            if (yy < 0 || yy >= height) continue;
            const wy = dy ? fy : 1 - fy;
            for (let dx = 0; dx < 2; dx++) {
              const xx = x0 + dx;
              if (xx < 0 || xx >= width) continue;
              const w = wy * (dx ? fx : 1 - fx);
              const o = (yy * width + xx) * 3;
              r += w * rgb[o]!;
              g += w * rgb[o + 1]!;
              b += w * rgb[o + 2]!;
            }
          }
        }
      }
      const o = (v * size + u) * 3;
      out[o] = Math.round(r * k);
      out[o + 1] = Math.round(g * k);
      out[o + 2] = Math.round(b * k);
    }
  }
  return out;
}

/** The 112x112x3 ArcFace crop of the face with these 5 landmarks (photo pixels, template order). */
export function alignFace(
  image: { data: Uint8Array; width: number; height: number },
  landmarks: readonly Point[],
): Uint8Array {
  if (landmarks.length !== 5) throw new Error(`alignFace needs 5 landmarks, got ${landmarks.length}`);
  return warpSimilarity(image.data, image.width, image.height, estimateSimilarity(landmarks, ARCFACE_TEMPLATE));
}
