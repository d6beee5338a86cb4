// Bench (cli, dev only): approximate rank-order clustering (Otto, Wang and Jain 2018), the linkage issue 16 asked to
// consider, against the engine's average linkage and the density baseline on every labelled set at once.
// Each set's faces, quality gate and kNN graph are the engine's own; each setting's clusters then go through the
// engine's recluster steps (junk groups, plan with late attach) like any algorithm's, and are scored by BCubed.
// usage: node --import tsx bench/rank-order.ts [--sets celeba-wild,lfw,celebs24,bbt,wild] [--libs DIR]
//          [--k 5,10,20,40] [--t 0.8,1.2,1.6,2] [--min-sim 0,0.2,0.35] [--top N]
//
// [Note: approximate rank-order distance] For faces a and b, with O_a(b) the rank of b in a's list of its k nearest
// faces (a itself at rank 0; k + 1 when b is not in the list), d(a, b) counts the faces a's list holds before b
// that b's list does not hold, and D(a, b) = (d(a, b) + d(b, a)) / min(O_a(b), O_b(a)). Two faces whose
// neighbourhoods agree score low. Pairs within each other's lists scoring below t are joined transitively (the
// paper's clustering step); --min-sim also asks their cosine to reach a floor. The method keeps no cannot-link,
// so it is measured here, beside the engine, not offered in it.
import { parseArgs } from 'node:util';
import { ALGORITHMS } from '../src/engine/cluster/algorithms.js';
import { scorePlan } from '../src/engine/cluster/evaluate.js';
import { compactLabels, type Algorithm, type ClusterInput, type Clustering } from '../src/engine/cluster/input.js';
import { buildKnnGraph, type KnnGraph } from '../src/engine/cluster/knn.js';
import { loadFaces, loadOptions } from '../src/engine/cluster/load.js';
import { reclusterLoaded } from '../src/engine/cluster/recluster.js';
import { libsDir, openSet, TRUTH_SETS } from './truth-sets.js';

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: TRUTH_SETS.map((s) => s.name).join(',') },
    libs: { type: 'string' },
    k: { type: 'string', default: '5,10,20,40' },
    t: { type: 'string', default: '0.8,1.2,1.6,2' },
    'min-sim': { type: 'string', default: '0,0.2,0.35' },
    top: { type: 'string', default: '12' },
  },
});
const list = (s: string) => s.split(',').filter(Boolean).map(Number);

interface RankOrderOptions {
  k: number;
  t: number;
  minSim: number;
}

/** Approximate rank-order clustering over the first `o.k` neighbours of a kNN graph sorted best first. */
function rankOrder(graph: KnnGraph, o: RankOrderOptions): Int32Array {
  const { n } = graph;
  const k = Math.min(o.k, graph.k);
  const row = (a: number, r: number) => graph.nbr[a * graph.k + r]!;
  const lists = Array.from({ length: n }, (_, a) => {
    const s = new Set<number>([a]);
    for (let r = 0; r < k; r++) if (row(a, r) >= 0) s.add(row(a, r));
    return s;
  });
  const rankOf = (a: number, b: number) => {
    for (let r = 0; r < k; r++) if (row(a, r) === b) return r + 1;
    return k + 1;
  };
  /** Faces among a's first `upto` (a itself first) that b's list lacks. */
  const absent = (a: number, b: number, upto: number) => {
    let c = lists[b]!.has(a) ? 0 : 1;
    for (let r = 0; r < Math.min(upto, k); r++) if (row(a, r) >= 0 && !lists[b]!.has(row(a, r))) c++;
    return c;
  };
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let a = 0; a < n; a++)
    for (let r = 0; r < k; r++) {
      const b = row(a, r);
      if (b < 0 || graph.sim[a * graph.k + r]! < o.minSim) continue;
      const ab = r + 1;
      const ba = rankOf(b, a);
      if ((absent(a, b, ab) + absent(b, a, ba)) / Math.min(ab, ba) >= o.t) continue;
      const x = find(a);
      const y = find(b);
      if (x !== y) parent[y] = x;
    }
  return Int32Array.from({ length: n }, (_, i) => find(i));
}

const maxK = Math.max(...list(values.k));
let graphForRun: KnnGraph | undefined; // the set's wide graph: the engine passes its own narrower one
const rankOrderDefaults: RankOrderOptions = { k: 10, t: 1.2, minSim: 0 };
const rankOrderAlgorithm: Algorithm<RankOrderOptions> = {
  name: 'rank-order',
  defaults: rankOrderDefaults,
  run: (input: ClusterInput, graph: KnnGraph, opts: Partial<RankOrderOptions> = {}): Clustering =>
    compactLabels(rankOrder(graphForRun ?? graph, { ...rankOrderDefaults, ...opts }), 2),
};
ALGORITHMS['rank-order'] = rankOrderAlgorithm as unknown as (typeof ALGORITHMS)[string];

const settings: { label: string; algorithm: string; options: Record<string, number> }[] = [
  { label: 'linkage (the default)', algorithm: 'linkage', options: {} },
  { label: 'density (baseline)', algorithm: 'density', options: {} },
];
for (const k of list(values.k))
  for (const t of list(values.t))
    for (const minSim of list(values['min-sim']))
      settings.push({
        label: `rank-order k=${k} t=${t} min-sim=${minSim}`,
        algorithm: 'rank-order',
        options: { k, t, minSim },
      });

const sets = values.sets.split(',').filter(Boolean);
const cells = settings.map(() => new Map<string, { f: number; p: number; r: number }>());
for (const name of sets) {
  const s = await openSet(name, libsDir(values.libs));
  const loaded = loadFaces(s.db, { minQuality: loadOptions.minQuality });
  const { n, dim, vectors } = loaded.input;
  const graph = buildKnnGraph(vectors, n, dim || 1);
  graphForRun = buildKnnGraph(vectors, n, dim || 1, { k: maxK, projectFrom: Infinity });
  console.error(`${name}: ${n} faces clustered, ${s.labelled.size} labelled`);
  for (const [i, c] of settings.entries()) {
    const r = reclusterLoaded(s.db, loaded, graph, { algorithm: c.algorithm, options: c.options, preview: true });
    const { scores } = scorePlan(r.plan, s.labelled);
    cells[i]!.set(name, { f: scores.bcubedF, p: scores.bcubedP, r: scores.bcubedR });
  }
  s.db.close();
}

const f3 = (x: number) => x.toFixed(3);
const minF = (i: number) => Math.min(...sets.map((s) => cells[i]!.get(s)!.f));
const order = [
  0,
  1,
  ...settings
    .map((_, i) => i)
    .slice(2)
    .sort((a, b) => minF(b) - minF(a))
    .slice(0, Number(values.top)),
];
console.log(`BCubed F (P/R) per set, min quality ${loadOptions.minQuality}; rank-order settings best first by min F`);
console.log(['setting', ...sets, 'min F'].join(' | '));
for (const i of order)
  console.log(
    [
      settings[i]!.label,
      ...sets.map((s) => {
        const c = cells[i]!.get(s)!;
        return `${f3(c.f)} (${f3(c.p)}/${f3(c.r)})`;
      }),
      f3(minF(i)),
    ].join(' | '),
  );
// the best rank-order setting for each set alone: what tuning per set would reach
for (const s of sets) {
  const best = settings
    .map((_, i) => i)
    .slice(2)
    .sort((a, b) => cells[b]!.get(s)!.f - cells[a]!.get(s)!.f)[0]!;
  console.log(
    `best rank-order on ${s} alone: ${settings[best]!.label}: ${f3(cells[best]!.get(s)!.f)}; it scores ${sets.map((x) => `${x} ${f3(cells[best]!.get(x)!.f)}`).join(', ')}`,
  );
}
