// Bench (cli, dev only): clustering quality of one set of defaults on every labelled set at once, and settings grids.
// Each set's library is imported once (bench/truth-sets.ts) and its kNN graph built once; every setting is then the
// engine's own recluster steps (reclusterLoaded: algorithm, junk groups, plan with late attach) previewed and scored.
// usage: node --import tsx bench/cluster-sets.ts [--sets celeba-wild,lfw,celebs24,bbt,wild] [--libs DIR]
//          [--algorithm NAME] [--grid KEY=V1,V2,...]... [--compare NAME,...] [--min-quality Q]
//          [--quality-power P1,P2,...] [--json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { algorithmByName, DEFAULT_ALGORITHM, loadFor } from '../src/engine/cluster/algorithms.js';
import { scorePlan } from '../src/engine/cluster/evaluate.js';
import { buildKnnGraph, type KnnGraph } from '../src/engine/cluster/knn.js';
import { loadFaces, loadOptions, type LoadedFaces, type LoadOptions } from '../src/engine/cluster/load.js';
import type { GroupPurity } from '../src/engine/cluster/metrics.js';
import { reclusterLoaded } from '../src/engine/cluster/recluster.js';
import { libsDir, openSet, TRUTH_SETS } from './truth-sets.js';

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: TRUTH_SETS.map((s) => s.name).join(',') },
    libs: { type: 'string' },
    algorithm: { type: 'string', default: DEFAULT_ALGORITHM },
    grid: { type: 'string', multiple: true, default: [] },
    compare: { type: 'string', default: 'density' },
    'min-quality': { type: 'string' },
    /** Quality-aware similarity powers to compare (see [Note: quality-aware similarity]; default: the engine's). */
    'quality-power': { type: 'string' },
    json: { type: 'boolean', default: false },
    /** Write each set's plan under the first setting (face id, planned group, identity) to DIR/<set>.json. */
    dump: { type: 'string' },
  },
});

interface Config {
  algorithm: string;
  options: Record<string, number>;
  label: string;
  /** How its faces are loaded (the quality-aware power, or plain cosines for the density baseline). */
  load: Partial<LoadOptions>;
}

// the cartesian product of --grid KEY=V1,V2 over the chosen algorithm's options
const minQuality = values['min-quality'] !== undefined ? Number(values['min-quality']) : loadOptions.minQuality;
let configs: Config[] = [
  {
    algorithm: values.algorithm,
    options: {},
    label: `${values.algorithm} (defaults)`,
    load: loadFor(values.algorithm, minQuality),
  },
];
const defaults = algorithmByName(values.algorithm).defaults;
for (const g of values.grid) {
  const m = /^([A-Za-z]+)=(.+)$/.exec(g);
  if (!m || !(m[1]! in defaults))
    throw new Error(`--grid ${g}: want KEY=V1,V2 with KEY one of ${Object.keys(defaults)}`);
  const vs = m[2]!.split(',').map(Number);
  configs = configs.flatMap((c) => vs.map((v) => ({ ...c, options: { ...c.options, [m[1]!]: v } })));
}
if (values['quality-power'] !== undefined && !algorithmByName(values.algorithm).plainCosine) {
  const ps = values['quality-power'].split(',').map(Number);
  configs = configs.flatMap((c) => ps.map((p) => ({ ...c, load: { ...c.load, qualityPower: p } })));
}
for (const c of configs) {
  const parts = Object.entries(c.options).map(([k, v]) => `${k}=${v}`);
  if (values['quality-power'] !== undefined)
    parts.push(`qualityPower=${c.load.qualityPower ?? loadOptions.qualityPower}`);
  if (parts.length) c.label = `${c.algorithm} ${parts.join(' ')}`;
}
for (const a of values.compare.split(',').filter(Boolean))
  if (a !== values.algorithm || values.grid.length || values['quality-power'] !== undefined)
    configs.push({ algorithm: a, options: {}, label: `${a} (defaults)`, load: loadFor(a, minQuality) });

const sets = values.sets.split(',').filter(Boolean);
const libs = libsDir(values.libs);
type Cell = { f: number; p: number; r: number; clusters: number; ids: number; groups: GroupPurity };
const cells = new Map<string, Map<string, Cell>>();
for (const name of sets) {
  const s = await openSet(name, libs);
  // the faces and their kNN graph, once per way of loading them
  const inputs = new Map<string, { loaded: LoadedFaces; graph: KnnGraph }>();
  const inputFor = (load: Partial<LoadOptions>) => {
    const key = JSON.stringify(load);
    let got = inputs.get(key);
    if (!got) {
      const loaded = loadFaces(s.db, load);
      const t = performance.now();
      got = { loaded, graph: buildKnnGraph(loaded.input.vectors, loaded.input.n, loaded.input.dim || 1) };
      inputs.set(key, got);
      console.error(
        `${name}: ${loaded.input.n} faces clustered, ${loaded.gated} gated, ${s.labelled.size} labelled; kNN ${Math.round(performance.now() - t)} ms`,
      );
    }
    return got;
  };
  for (const [ci, c] of configs.entries()) {
    const { loaded, graph } = inputFor(c.load);
    const r = reclusterLoaded(s.db, loaded, graph, { algorithm: c.algorithm, options: c.options, preview: true });
    const { scores, groups } = scorePlan(r.plan, s.labelled);
    if (ci === 0 && values.dump) {
      mkdirSync(values.dump, { recursive: true });
      writeFileSync(
        join(values.dump, `${name}.json`),
        JSON.stringify({
          faceIds: Array.from(r.plan.faceIds),
          target: Array.from(r.plan.target),
          truth: Array.from(r.plan.faceIds, (f) => s.labelled.get(f) ?? ''),
        }),
      );
    }
    if (!cells.has(c.label)) cells.set(c.label, new Map());
    cells.get(c.label)!.set(name, {
      f: scores.bcubedF,
      p: scores.bcubedP,
      r: scores.bcubedR,
      clusters: scores.clusters,
      ids: scores.identities,
      groups,
    });
  }
  s.db.close();
}

if (values.json) {
  console.log(JSON.stringify(Object.fromEntries([...cells].map(([k, v]) => [k, Object.fromEntries(v)]))));
} else {
  const f3 = (x: number) => x.toFixed(3);
  const pure = (g: { judged: number; pure: number }) => (g.judged ? `${g.pure}/${g.judged}` : '-');
  console.log(
    `BCubed F (P/R) per set, min quality ${minQuality}; small = groups of 2-3 faces, large = 4+: pure/judged (see [Note: group purity])`,
  );
  console.log(['setting', ...sets, 'min F', 'mean F'].join(' | '));
  for (const [label, row] of cells) {
    const fs = sets.map((s) => row.get(s)!.f);
    console.log(
      [
        label,
        ...sets.map((s) => {
          const c = row.get(s)!;
          return `${f3(c.f)} (${f3(c.p)}/${f3(c.r)}) ${c.clusters}/${c.ids} small ${pure(c.groups.small)} large ${pure(c.groups.large)}`;
        }),
        f3(Math.min(...fs)),
        f3(fs.reduce((a, b) => a + b, 0) / fs.length),
      ].join(' | '),
    );
  }
}
