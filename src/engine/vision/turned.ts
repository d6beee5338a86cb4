// Engine (vision): faces that lie a quarter or half turn round in the photo (a sideways scan, a photo whose
// orientation tag was lost, someone lying down): a turned view of the face for the landmark net, and the way back.
import { invertSimilarity, warpSimilarity, type Similarity } from './align.js';
import type { Box, Point } from './types.js';

/**
 * [Note: turned faces] The detector finds faces at any in-plane angle, but the 68-point landmark net only places
 * points on faces within about 30 degrees of upright. Turned further, the points land anywhere, the alignment
 * crops the wrong patch, and the recognizer's feature norm (the quality score) collapses: of the first photos of 40
 * celeba-wild people turned a quarter, a half and three quarters of a turn (scratch measurement: the photo's
 * clearest face passes the gate and is the person of the upright photo, cosine > 0.5), none was found. So a face
 * below the gate that the detector is sure of is looked at again turned a quarter, a half and three quarters of a
 * turn. The turn whose landmarks the net's second pass moves least is the one it can read (on those photos it was
 * the turn the recognizer found clearest for 86 of 91 faces); its landmarks are mapped back to the photo, and its
 * alignment is kept if its feature norm beats the upright one's by `gain` and its quality reaches `accept`. The
 * same photos now give 26, 23 and 30 of 40; the clearest face that is someone else or nothing went from 2, 5 and 0
 * to 3, 5 and 0. Embedding all three turns and keeping the clearest found 29, 23 and 30, at 1.7 times the cost.
 * On celeba-wild as imported, one face lying on its side now passes the gate (quality 0 -> 0.6). Upright faces
 * above the gate never pay for it; 6% of celeba-wild's faces are below the gate with a detector score of 0.8 or
 * more (sunglasses, profiles, things that are not faces), and each costs six landmark passes and one embedding:
 * 1.3 ms a photo over a third of celeba-wild (one thread, 23.6 -> 24.9 ms). Without `gain`, 4 of LFW's 3,811
 * upright subjects took a turned alignment (norm up by 0.05-0.42) and LFW accuracy fell from 99.23% to 99.07%;
 * with it none does.
 */
export const turnOptions = {
  /** Faces below this quality are looked at turned (the clustering gate: cluster/load.ts minQuality). */
  below: 0.35,
  /** ... when the detector is at least this sure (most non-faces score lower). */
  minScore: 0.8,
  /** ... and their box is at least this many photo pixels on its shorter side (smaller ones are too small to compare). */
  minSide: 32,
  /**
   * A turned alignment replaces the upright one only when its feature norm is larger by at least this. The
   * landmarks placed on an upright face seen turned are nonsense, and so is the crop, yet its norm can come out a
   * little above a poor upright face's (sunglasses, profiles).
   */
  gain: 0.8,
  /** ... and only when its quality reaches this (a turned crop of hair can just pass the gate; real faces do better). */
  accept: 0.5,
  /** Quarter turns tried. */
  turns: [1, 2, 3] as readonly number[],
  /** The face box's longer side in the turned view, at most (the landmark net sees 64x64). */
  viewSide: 96,
  /** The view's side over the box's longer side: room for the larger box the landmark net's second pass uses. */
  margin: 2.2,
  /**
   * Height over width of the detector's boxes round upright faces (median 1.39 on celeba-wild's faces above the
   * gate). A face lying on its side gets a squarer box, and the landmark net, given that box turned upright,
   * squeezes the face: nose and mouth too near the eyes, and the alignment zooms in.
   */
  aspect: 1.39,
};
export type TurnOptions = typeof turnOptions;

export interface TurnedView {
  image: { data: Uint8Array; width: number; height: number };
  /** The face's box in the view. */
  box: Box;
  /** View pixels -> photo pixels. */
  toPhoto: Similarity;
}

/** Whether a face is worth looking at turned (see [Note: turned faces]). */
export function worthTurning(box: Box, score: number, quality: number, o: TurnOptions = turnOptions): boolean {
  return quality < o.below && score >= o.minScore && Math.min(box.w, box.h) >= o.minSide;
}

/** A square view of the face in `box` turned `quarterTurns` quarter turns (clockwise on screen), shrunk to `viewSide`. */
export function turnedView(
  image: { data: Uint8Array; width: number; height: number },
  box: Box,
  quarterTurns: number,
  o: TurnOptions = turnOptions,
): TurnedView {
  if (!Number.isInteger(quarterTurns)) throw new Error(`quarterTurns must be a whole number, got ${quarterTurns}`);
  const k = ((quarterTurns % 4) + 4) % 4;
  const side = Math.max(box.w, box.h);
  const s = Math.min(1, o.viewSide / side);
  const size = Math.max(8, Math.ceil(side * s * o.margin));
  const cos = [1, 0, -1, 0][k]!;
  const sin = [0, 1, 0, -1][k]!;
  const a = s * cos;
  const b = s * sin;
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const m: Similarity = { a, b, tx: size / 2 - (a * cx - b * cy), ty: size / 2 - (b * cx + a * cy) };
  // The box the landmark net gets: the face's width as the detector saw it, and the height an upright face's box
  // would have (see `aspect`).
  const w = (k % 2 ? box.h : box.w) * s;
  const h = w * o.aspect;
  return {
    image: { data: warpSimilarity(image.data, image.width, image.height, m, size), width: size, height: size },
    box: { x: size / 2 - w / 2, y: size / 2 - h / 2, w, h },
    toPhoto: invertSimilarity(m),
  };
}

/**
 * How many quarter turns (clockwise on screen) the face with these 5 landmarks (photo pixels, template order) lies
 * from upright: 0 within 45 degrees of upright, 1 turned a quarter turn clockwise, 2 upside down, 3 a quarter turn
 * the other way. Its thumbnail is turned back by as much, so People shows every face upright.
 */
export function quarterTurnsOf(landmarks: ArrayLike<number> | readonly Point[]): number {
  const flat: number[] =
    Array.isArray(landmarks) && Array.isArray(landmarks[0])
      ? (landmarks as readonly Point[]).flat()
      : Array.from(landmarks as ArrayLike<number>);
  if (flat.length < 4 || !flat.slice(0, 4).every(Number.isFinite)) return 0;
  const roll = Math.atan2(flat[3]! - flat[1]!, flat[2]! - flat[0]!); // the eye line: left eye to right eye
  return ((Math.round(roll / (Math.PI / 2)) % 4) + 4) % 4;
}
