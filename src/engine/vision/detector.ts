// Engine (vision): face detection with the 320x240 RFB detector (fr_detect.onnx) over an image pyramid of tiles.
// [Note: detector pyramid] The net sees a fixed 320x240 input and finds faces from ~16 px up. The coarsest level fits
// the whole photo (letterboxed, aspect kept) and finds the big faces; each finer level doubles the scale and is cut
// into overlapping 320x240 tiles, down to the level where a face of `minFacePx` photo pixels becomes
// `netMinFace` input pixels. A finer level only keeps faces no larger than the tile overlap that do not touch an
// inner tile edge: every such face lies whole inside some tile, and larger ones were already found a level up.
// Then NMS over all levels, and boxes that are parts of a larger face go ([Note: face fragments]).
import sharp from 'sharp';
import type { LoadedSession } from './ort.js';
import { batchLimit, ort } from './ort.js';
import { insideShare, iou } from './boxes.js';
import type { Detection } from './types.js';

export const detectorOptions = {
  inputWidth: 320,
  inputHeight: 240,
  /** Keep detections scoring at least this. */
  scoreThreshold: 0.6,
  /** NMS: boxes overlapping more than this IoU with a better one are dropped. */
  nmsIou: 0.4,
  /**
   * A box with at least this share of its area inside a larger kept box, that box at most `containerMaxArea` times
   * its area, is a part of that face (see [Note: face fragments]). 1 turns it off.
   */
  containedShare: 0.7,
  containerMaxArea: 8,
  /** Smallest face wanted, in photo pixels (the pyramid goes fine enough to find it). */
  minFacePx: 24,
  /** Smallest face the net finds reliably, in its input pixels. */
  netMinFace: 18,
  /** Overlap between neighbouring tiles, in input pixels (also the largest face a finer level keeps). */
  tileOverlap: 96,
  /** Budget of detector runs per photo (tiles over all levels); finer levels are dropped beyond it. */
  maxTiles: 24,
  /** Largest scale applied to the photo (1 = never upsample). */
  maxScale: 1,
  /** Tiles of one level per ORT run on a GPU (see [Note: dynamic batch]; the CPU runs them one by one). */
  batchTiles: 8,
};
export type DetectorOptions = typeof detectorOptions;

export interface Level {
  scale: number;
  width: number;
  height: number;
  tiles: Array<[number, number]>;
}

function positions(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const n = Math.ceil((length - overlap) / (tile - overlap));
  const step = (length - tile) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * step));
}

/** The pyramid levels and tiles for a photo of this size (pure; see [Note: detector pyramid]). */
export function planLevels(width: number, height: number, o: DetectorOptions = detectorOptions): Level[] {
  const { inputWidth: tw, inputHeight: th } = o;
  const s0 = Math.min(tw / width, th / height, o.maxScale);
  const sFine = Math.min(o.maxScale, o.netMinFace / o.minFacePx);
  const level = (s: number): Level => {
    const w = Math.max(1, Math.round(width * s));
    const h = Math.max(1, Math.round(height * s));
    const tiles: Array<[number, number]> = [];
    for (const y of positions(h, th, o.tileOverlap))
      for (const x of positions(w, tw, o.tileOverlap)) tiles.push([x, y]);
    return { scale: s, width: w, height: h, tiles };
  };
  const levels: Level[] = [level(s0)];
  let used = levels[0]!.tiles.length;
  for (let s = s0; s < sFine - 1e-9 && levels.length < 12;) {
    const prev = s;
    s = Math.min(s * 2, sFine);
    let l = level(s);
    // Over budget: shrink this level until it fits, as long as it stays clearly finer than the previous one.
    while (used + l.tiles.length > o.maxTiles && s > prev * 1.3) l = level((s *= 0.9));
    if (used + l.tiles.length > o.maxTiles || s <= prev * 1.3) break;
    levels.push(l);
    used += l.tiles.length;
  }
  return levels;
}

/**
 * [Note: face fragments] In a close-up the detector also fires on parts of the face: the mouth and chin, or the
 * nose and mouth, boxed as a face of their own in the lower half of the real one. IoU-based NMS keeps them (a part
 * is small next to the whole, so their IoU stays under the threshold). Such a fragment was a second "face" of the
 * same person in the same photo, which the same-photo cannot-link then pushed into another group or into the
 * low-quality tab, where its thumbnail (box plus margin) looked like a sharp frontal face. On celeba-wild, 56 of
 * 1,403 detections lay at least 70% inside a larger face's box of at most 8 times their area: every one a mouth,
 * or nose and mouth, when cropped to its box, and 13 of them passed the quality gate. A real face cannot lie inside
 * another's box unless it hides most of it, so a box mostly inside a larger kept box goes, as long as the larger
 * one is not so much bigger (`containerMaxArea`) that it could be a false detection around a small real face.
 * Measured on the labelled sets imported again (bench/cluster-sets.ts): celeba-wild 1,347 faces, 229 of them
 * gated (was 272), BCubed F 0.938 (was 0.936); LFW, celebs24 and the fixtures score as before.
 */
export function dropContained(dets: Detection[], share: number, maxArea: number): Detection[] {
  if (share >= 1) return dets;
  const area = (d: Detection) => d.box.w * d.box.h;
  const kept: Detection[] = [];
  for (const d of [...dets].sort((a, b) => area(b) - area(a)))
    if (!kept.some((k) => area(k) <= maxArea * area(d) && insideShare(d.box, k.box) >= share)) kept.push(d);
  return kept.sort((a, b) => b.score - a.score);
}

/** Greedy non-maximum suppression, best score first. */
export function nms(dets: Detection[], threshold: number): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) if (kept.every((k) => iou(k.box, d.box) <= threshold)) kept.push(d);
  return kept;
}

/** A photo's pyramid, planned, with its first level's resize under way (FaceDetector.start). */
export interface Started {
  levels: Level[];
  first: Promise<Uint8Array>;
}

/** The pixels of `level`, resized from the photo; a failure surfaces where the promise is awaited. */
function resizeLevel(image: { data: Uint8Array; width: number; height: number }, level: Level): Promise<Uint8Array> {
  const p = resizeRgb(image.data, image.width, image.height, level.width, level.height);
  p.catch(() => undefined);
  return p;
}

async function resizeRgb(rgb: Uint8Array, width: number, height: number, w: number, h: number): Promise<Uint8Array> {
  if (w === width && h === height) return rgb;
  const buf = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** Fills the CHW float input from a tile of an RGB image; outside the image is mid-grey (0 after normalising). */
function fillTile(
  dst: Float32Array,
  rgb: Uint8Array,
  w: number,
  h: number,
  x0: number,
  y0: number,
  tw: number,
  th: number,
) {
  dst.fill(0);
  const plane = tw * th;
  const ymax = Math.min(th, h - y0), xmax = Math.min(tw, w - x0); // prettier-ignore
  for (let y = 0; y < ymax; y++) {
    let src = ((y0 + y) * w + x0) * 3;
    let o = y * tw;
    for (let x = 0; x < xmax; x++, src += 3, o++) {
      dst[o] = (rgb[src]! - 127) / 128;
      dst[o + plane] = (rgb[src + 1]! - 127) / 128;
      dst[o + 2 * plane] = (rgb[src + 2]! - 127) / 128;
    }
  }
}

export class FaceDetector {
  private input = new Float32Array(0);
  constructor(
    private readonly loaded: LoadedSession,
    readonly options: DetectorOptions = detectorOptions,
  ) {}

  /**
   * Plans the pyramid of `image` and starts resizing its first level (sharp, on libuv's threads). FacePipeline
   * calls this before the photo waits its turn for the models, so the resize runs while another photo's inference
   * does instead of on this photo's turn. The first level fits one tile, so a waiting photo holds at most one
   * tile's pixels more (230 KB at 320x240).
   */
  start(image: { data: Uint8Array; width: number; height: number }): Started {
    const levels = planLevels(image.width, image.height, this.options);
    return { levels, first: resizeLevel(image, levels[0]!) };
  }

  /** Faces in an RGB HWC image, boxes in its pixels, best first. */
  async detect(
    image: { data: Uint8Array; width: number; height: number },
    started: Started = this.start(image),
  ): Promise<Detection[]> {
    const o = this.options;
    const { inputWidth: tw, inputHeight: th } = o;
    const plane = 3 * tw * th;
    const { levels } = started;
    const found: Detection[] = [];
    // The next level resizes while this one's tiles run, so this thread does not wait for it between inferences;
    // one level ahead keeps the pixels in flight near one photo's.
    let next = started.first;
    for (const [k, level] of levels.entries()) {
      const pixels = await next;
      if (k + 1 < levels.length) next = resizeLevel(image, levels[k + 1]!);
      const per = Math.max(1, Math.min(o.batchTiles, batchLimit(this.loaded)));
      for (let from = 0; from < level.tiles.length; from += per) {
        const tiles = level.tiles.slice(from, from + per);
        if (this.input.length < tiles.length * plane) this.input = new Float32Array(tiles.length * plane);
        const input = this.input.subarray(0, tiles.length * plane);
        tiles.forEach(([x0, y0], b) =>
          fillTile(input.subarray(b * plane, (b + 1) * plane), pixels, level.width, level.height, x0, y0, tw, th),
        );
        const feeds = { input: new ort.Tensor('float32', input, [tiles.length, 3, th, tw]) };
        const out = await this.loaded.session.run(feeds);
        const allScores = out.scores!.data as Float32Array;
        const allBoxes = out.boxes!.data as Float32Array;
        const anchors = allScores.length / 2 / tiles.length;
        tiles.forEach(([x0, y0], b) => {
          const scores = allScores.subarray(b * anchors * 2, (b + 1) * anchors * 2);
          const boxes = allBoxes.subarray(b * anchors * 4, (b + 1) * anchors * 4);
          for (let i = 0; i < anchors; i++) {
            const score = scores[i * 2 + 1]!;
            if (score < o.scoreThreshold) continue;
            const bx1 = boxes[i * 4]! * tw, by1 = boxes[i * 4 + 1]! * th; // prettier-ignore
            const bx2 = boxes[i * 4 + 2]! * tw, by2 = boxes[i * 4 + 3]! * th; // prettier-ignore
            if (bx2 <= bx1 || by2 <= by1) continue;
            if (k > 0) {
              if (Math.max(bx2 - bx1, by2 - by1) > o.tileOverlap) continue;
              const edge = 2;
              if ((x0 > 0 && bx1 < edge) || (y0 > 0 && by1 < edge)) continue;
              if ((x0 + tw < level.width && bx2 > tw - edge) || (y0 + th < level.height && by2 > th - edge)) continue;
            }
            const s = level.scale;
            const x = Math.max(0, (bx1 + x0) / s), y = Math.max(0, (by1 + y0) / s); // prettier-ignore
            const x2 = Math.min(image.width, (bx2 + x0) / s), y2 = Math.min(image.height, (by2 + y0) / s); // prettier-ignore
            if (x2 - x < 2 || y2 - y < 2) continue;
            found.push({ box: { x, y, w: x2 - x, h: y2 - y }, score });
          }
        });
      }
    }
    return dropContained(nms(found, o.nmsIou), o.containedShare, o.containerMaxArea);
  }
}
