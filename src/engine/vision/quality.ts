// Engine (vision): the 0..1 face-quality score (how recognisable the recognizer finds a face: its feature norm) that
// keeps non-faces and faces too small or blurred to compare out of clustering, and its explainable parts.
import { ALIGNED_SIZE, ARCFACE_TEMPLATE, applySimilarity, estimateSimilarity, similarityScale } from './align.js';
import type { Point } from './types.js';

// The appearance parts were calibrated by eye on fixtures/group-photos and a sample of celeba-wild (sharp frontal
// faces 1, three-quarter views about 0.5, blurred background faces and non-faces below 0.2); the score itself is the
// feature norm, chosen and calibrated by bench/quality.ts (see [Note: quality is recognisability]).
export const qualityOptions = {
  /** Face resolution = photo pixels per template pixel (1 = the face is as large as the 112 px crop). */
  size: { bad: 0.25, good: 0.8 },
  /** Detector score range mapped to 0..1. */
  detection: { bad: 0.6, good: 0.95 },
  /** Yaw proxy: nose offset from the eye/mouth mid-line over the eye distance, in the aligned frame. */
  pose: { good: 0.12, bad: 0.6 },
  /** Variance of the Laplacian over the aligned crop's centre (grey levels^2), on a log scale. */
  sharpness: { bad: 25, good: 200 },
  /**
   * L2 norm of the recognizer's raw 512-D feature (fr_feature.onnx), mapped to 0..1: the quality score. The
   * range belongs to this recognizer; another backbone needs it measured again (bench/quality.ts).
   */
  featureNorm: { bad: 1.75, good: 3.6 },
};
export type QualityOptions = typeof qualityOptions;

const ramp = (v: number, bad: number, good: number) => Math.min(1, Math.max(0, (v - bad) / (good - bad)));

export interface QualityParts {
  size: number;
  detection: number;
  pose: number;
  sharpness: number;
  /** size * detection * pose * sharpness: what the face looks like (the score before feature norms; explanation only). */
  appearance: number;
  /** The feature norm mapped to 0..1. */
  recognisability: number;
  /** The score the gate compares with minQuality: the recognisability. */
  quality: number;
  /** The raw measurements the components come from. */
  raw: { resolution: number; score: number; yaw: number; laplacianVar: number; featureNorm: number };
}

/** Photo pixels per template pixel for these 5 landmarks. */
export function faceResolution(landmarks: readonly Point[]): number {
  return 1 / similarityScale(estimateSimilarity(landmarks, ARCFACE_TEMPLATE));
}

/** Yaw proxy from 5 landmarks: |nose x - mid-line x| / eye distance after alignment (0 frontal, ~0.5 profile). */
export function yawProxy(landmarks: readonly Point[]): number {
  const m = estimateSimilarity(landmarks, ARCFACE_TEMPLATE);
  const [le, re, nose, lm, rm] = landmarks.map((p) => applySimilarity(m, p)) as [Point, Point, Point, Point, Point];
  const mid = (le[0] + re[0] + lm[0] + rm[0]) / 4;
  const eyeDist = Math.max(1e-6, Math.hypot(re[0] - le[0], re[1] - le[1]));
  return Math.abs(nose[0] - mid) / eyeDist;
}

/** Variance of the 4-neighbour Laplacian of the grey aligned crop, over its central half (the face, not the border). */
export function laplacianVariance(crop: Uint8Array, size = ALIGNED_SIZE): number {
  const g = new Float32Array(size * size);
  for (let i = 0; i < g.length; i++) g[i] = 0.299 * crop[i * 3]! + 0.587 * crop[i * 3 + 1]! + 0.114 * crop[i * 3 + 2]!;
  const lo = Math.floor(size / 4), hi = Math.ceil((3 * size) / 4); // prettier-ignore
  let s = 0, s2 = 0, n = 0; // prettier-ignore
  for (let y = lo; y < hi; y++)
    for (let x = lo; x < hi; x++) {
      const i = y * size + x;
      const l = g[i - 1]! + g[i + 1]! + g[i - size]! + g[i + size]! - 4 * g[i]!;
      s += l;
      s2 += l * l;
      n++;
    }
  return s2 / n - (s / n) ** 2;
}

/** L2 norm of a raw (not normalised) recognizer feature. */
export function featureNorm(feature: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < feature.length; i++) s += feature[i]! * feature[i]!;
  return Math.sqrt(s);
}

/**
 * [Note: quality is recognisability] The score that decides which faces are compared at all should predict how
 * well a face can be recognised, and the recognizer says so itself: the norm of its raw feature (before the L2
 * normalisation every comparison uses) is large for faces it sees clearly and collapses for non-faces, fragments
 * (a mouth, an ear), tiny or blurred faces, whose unit embeddings then crowd one common direction and match
 * anyone (MagFace makes this explicit in training; a softmax-trained backbone like ours shows it too).
 * Measured by error-versus-reject curves (bench/quality.ts): dropping the lowest-norm faces lowers the false
 * non-match rate of the rest much faster than dropping by size, detector score, pose, sharpness, or their product
 * (the previous score), and no product with them did better. The norm is read from the stored feature, so a
 * library's scores can be recomputed without its photos (migration 005).
 */
export function recognisability(feature: ArrayLike<number>, o: QualityOptions = qualityOptions): number {
  return ramp(featureNorm(feature), o.featureNorm.bad, o.featureNorm.good);
}

export function faceQuality(
  landmarks: readonly Point[],
  score: number,
  aligned: Uint8Array,
  feature: ArrayLike<number>,
  o: QualityOptions = qualityOptions,
): QualityParts {
  const resolution = faceResolution(landmarks);
  const yaw = yawProxy(landmarks);
  const laplacianVar = laplacianVariance(aligned);
  const size = ramp(resolution, o.size.bad, o.size.good);
  const detection = ramp(score, o.detection.bad, o.detection.good);
  const pose = ramp(-yaw, -o.pose.bad, -o.pose.good);
  const sharpness = ramp(Math.log(laplacianVar + 1), Math.log(o.sharpness.bad), Math.log(o.sharpness.good));
  const norm = featureNorm(feature);
  const recog = ramp(norm, o.featureNorm.bad, o.featureNorm.good);
  return {
    size,
    detection,
    pose,
    sharpness,
    appearance: size * detection * pose * sharpness,
    recognisability: recog,
    quality: recog,
    raw: { resolution, score, yaw, laplacianVar, featureNorm: norm },
  };
}
