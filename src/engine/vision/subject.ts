// Engine (vision): which face a portrait-style photo is of (pairs files, labelled folders, the Verify page's uploads).
import type { Detection } from './types.js';

/**
 * The subject of a portrait-style image: among faces at least half as large as the largest, the one nearest the
 * centre (LFW images are centred on their subject; a bigger bystander can stand near the edge).
 */
export function pickSubject(dets: Detection[], width: number, height: number): Detection | undefined {
  if (dets.length === 0) return undefined;
  const area = (d: Detection) => d.box.w * d.box.h;
  const largest = Math.max(...dets.map(area));
  const dist = (d: Detection) => Math.hypot(d.box.x + d.box.w / 2 - width / 2, d.box.y + d.box.h / 2 - height / 2);
  return dets.filter((d) => area(d) >= largest / 2).sort((a, b) => dist(a) - dist(b))[0];
}
