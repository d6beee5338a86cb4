// Engine (vision): the shared shapes of the vision pipeline (boxes, points, detections, face results).

/** [x, y] in photo pixels. */
export type Point = [number, number];

/** Axis-aligned box in photo pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A detector hit before landmarks. */
export interface Detection {
  box: Box;
  score: number;
}

/** One face found in a photo. */
export interface FaceResult {
  /** Face box in photo pixels (after EXIF orientation). */
  box: Box;
  /** Detector confidence 0..1. */
  score: number;
  /** 5 points in ArcFace template order: left eye, right eye, nose tip, left mouth corner, right mouth corner. */
  landmarks: Point[];
  /** Raw 512-D backbone output of the aligned crop (NOT normalised; see [Note: why features are cached]). */
  feature: Float32Array;
  /** 0..1, see quality.ts. */
  quality: number;
  /** The 112x112x3 RGB aligned crop, when asked for (`keepAligned`). */
  aligned?: Uint8Array;
}
