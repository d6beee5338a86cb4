// Engine (cluster): the registry of clustering algorithms by name, and the default (chosen by measurement).
import { density } from './density.js';
import type { Algorithm } from './input.js';
import { linkage } from './linkage.js';
import type { LoadOptions } from './load.js';

/**
 * [Note: default algorithm] Chosen by bench/cluster-sets.ts on every labelled set at once, on the same stored
 * embeddings (quality gate 0.35, late attach, junk groups dissolved), one set of defaults for all. BCubed F,
 * linkage vs density: celeba-wild (1,140 whole photos, 100 people) 0.950 vs 0.899 (`facelens eval-clusters`:
 * 0.9503); LFW with all its singletons (3,811 photos, 2,086 people) 0.952 vs 0.927; celebs24 --aligned (3,309
 * crops, 16 people) 0.958 vs 0.597;
 * fixtures/bbt 1.000 vs 1.000; fixtures/wild 1.000 vs 0.975. Two fresh imports of the same photos give the same
 * figures since faces are committed in scan order ([Note: commit order]); before, density moved by up to 0.009
 * between imports (its kNN graph followed the order in which the workers finished). The linkage thresholds
 * (threshold, smallThreshold, guard) and the quality-aware power ([Note: quality-aware similarity]) were swept on
 * all five together: with plain cosines the best setting scored 0.944 / 0.947 / 0.957 (threshold 0.2); the
 * quality-aware one lifts celeba-wild and LFW together, where every plain threshold traded one for the other
 * (0.18: 0.945 / 0.933; 0.22: 0.939 / 0.961). The defaults tuned on celeba-wild alone, long ago, scored 0.939 there
 * but 0.838 on LFW.
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

/** How an algorithm's faces are loaded: the gate, and plain cosines for one that asks for them. */
export function loadFor(algorithm: string | undefined, minQuality: number): Partial<LoadOptions> {
  return { minQuality, ...(algorithmByName(algorithm).plainCosine ? { qualityPower: 0 } : {}) };
}
