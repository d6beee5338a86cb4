// Engine (cluster): the registry of clustering algorithms by name, and the default (chosen by measurement).
import { density } from './density.js';
import type { Algorithm } from './input.js';
import { linkage } from './linkage.js';

/**
 * [Note: default algorithm] Chosen by `facelens eval-clusters` on the same stored embeddings (frozen recognizer,
 * quality gate 0.35, late attach, junk groups dissolved). BCubed F, linkage vs density:
 * celeba-wild (1,140 whole photos, 100 people) 0.938 vs 0.901; celebs24 --aligned (3,312 crops, 16 people)
 * 0.952 vs 0.597; fixtures/bbt 0.958 vs 0.958. The linkage thresholds were tuned on celeba-wild
 * (threshold 0.25..0.45, guard 0..0.65 swept), and celebs24 and bbt were not used for tuning.
 */
export const DEFAULT_ALGORITHM = 'linkage';

export const ALGORITHMS: Record<string, Algorithm<Record<string, number>>> = {
  linkage: linkage as unknown as Algorithm<Record<string, number>>,
  density: density as unknown as Algorithm<Record<string, number>>,
};

export function algorithmByName(name: string = DEFAULT_ALGORITHM): Algorithm<Record<string, number>> {
  const a = ALGORITHMS[name];
  if (!a) throw new Error(`unknown clustering algorithm '${name}' (known: ${Object.keys(ALGORITHMS).join(', ')})`);
  return a;
}
