// Engine (cluster): the registry of clustering algorithms by name, and the default (chosen by measurement).
import { density } from './density.js';
import type { Algorithm } from './input.js';
import { linkage } from './linkage.js';

/**
 * [Note: default algorithm] Chosen by bench/cluster-sets.ts on every labelled set at once, on the same stored
 * embeddings (quality gate 0.35, late attach, junk groups dissolved), one set of defaults for all. BCubed F,
 * linkage vs density: celeba-wild (1,140 whole photos, 100 people) 0.944 vs 0.899 (0.939 vs 0.894 before
 * [Note: eval-clusters] stopped labelling boxes the gate keeps out); LFW with all its singletons (3,811 photos,
 * 2,086 people) 0.947 vs 0.927; celebs24 --aligned (3,309 crops, 16 people) 0.957 vs 0.597;
 * fixtures/bbt 1.000 vs 1.000; fixtures/wild 1.000 vs 0.975. Two fresh imports of the same photos give the same
 * figures since faces are committed in scan order ([Note: commit order]); before, density moved by up to 0.009
 * between imports (its kNN graph followed the order in which the workers finished). The linkage thresholds
 * (threshold, smallThreshold, guard) were swept on all five together (celeba-wild then scored 0.936 vs 0.895, before [Note: face fragments]
 * dropped the mouths the detector boxed as faces); the previous defaults, tuned on celeba-wild alone, scored 0.939
 * there but 0.838 on LFW.
 * Approximate rank-order clustering (bench/rank-order.ts, [Note: approximate rank-order distance]) was measured the
 * same way: tuned on celeba-wild alone it reaches 0.941 there (k 5, t 1.6, cosine floor 0.35) but 0.680 on LFW
 * and 0.418 on celebs24; its best single setting over all five sets scores 0.543 on its weakest. Its k has to
 * match the size of a person (5 for celeba-wild's 12 photos each, 40 for celebs24's 200), which one library's
 * people do not share, so it is not offered.
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
