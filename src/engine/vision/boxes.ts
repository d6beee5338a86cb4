// Engine (vision): overlap of two face boxes: intersection over union, and the share of one inside the other.
import type { Box } from './types.js';

/** The area two boxes share. */
function overlap(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x), y1 = Math.max(a.y, b.y); // prettier-ignore
  const x2 = Math.min(a.x + a.w, b.x + b.w), y2 = Math.min(a.y + a.h, b.y + b.h); // prettier-ignore
  return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
}

/** Intersection over union (0 for two empty boxes). */
export function iou(a: Box, b: Box): number {
  const inter = overlap(a, b);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** The share of box a's area that lies inside box b. */
export function insideShare(a: Box, b: Box): number {
  const area = a.w * a.h;
  return area > 0 ? overlap(a, b) / area : 0;
}
