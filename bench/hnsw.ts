// Bench (run with node --import tsx bench/hnsw.ts --db LIBRARY [--n N] [--queries Q] [--shards 1,2]): HNSW recall@10 and latency settings.
// At 1M x 512: node --max-old-space-size=16000 --import tsx bench/hnsw.ts --synthetic 30000 --n 1000000 --builds 32/200 --shards 2
// (shards build side by side on worker threads as the app builds them; the figures are in the README); add
// --centre-decay 1 for people spread like real faces ([Note: between-person spectrum]), --order person to add a
// person's faces one after another ([Note: HNSW at a million faces]).
// Reads the active head's real face embeddings from a library (import one first, e.g. bench/import.ts --keep), grows
// them to N with noisy copies when asked, and prints recall@10 against exact search, build time and query latency.
import { parseArgs } from 'node:util';
import { linkageOptions } from '../src/engine/cluster/linkage.js';
import { syntheticFaces } from '../src/engine/cluster/synthetic.js';
import { activeEmbedder } from '../src/engine/arcface/embedder.js';
import { openDb } from '../src/engine/store/db.js';
import { FaceStore } from '../src/engine/store/faces.js';
import { rng } from '../src/engine/random.js';
import {
  augment,
  exactTopKScored,
  hnswHead,
  hnswRow,
  HNSW_SYNTHETIC,
  measure,
  type HnswSetting,
} from './hnsw-measure.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    /** Instead of a library: N synthetic faces around this many identity centres (src/engine/cluster/synthetic.ts). */
    synthetic: { type: 'string' },
    /**
     * Shape of the synthetic same-person variation: 0 spreads it evenly over the 512 dimensions; 0.75 matches the
     * spread measured on celeba-wild (bench/within-person.ts, [Note: within-person spectrum]).
     */
    'noise-decay': { type: 'string', default: '0' },
    /** Shape of the differences between people: 0 draws centres evenly; 1 matches real impostor scores ([Note: between-person spectrum]). */
    'centre-decay': { type: 'string', default: '0' },
    n: { type: 'string' },
    queries: { type: 'string', default: '200' },
    m: { type: 'string', default: '8,16,32' },
    efc: { type: 'string', default: '100,200' },
    /** Instead of every M x efC pair: the builds to make, as M/efC pairs (e.g. 16/200,32/100). */
    builds: { type: 'string' },
    /** Cosine at which an exact neighbour could be the same person (the clustering threshold) for match recall. */
    'match-cos': { type: 'string', default: String(linkageOptions.threshold) },
    ef: { type: 'string', default: '16,32,64,128' },
    /** Shard counts to build each M/efC with (see [Note: index shards]); queries search every shard, merged. */
    shards: { type: 'string', default: '1' },
    /**
     * Synthetic sets: the order faces are added in. 'random' (each face's person drawn at random, as the set is
     * made); 'person' (a person's faces one after another, as a library's photos of one event arrive together).
     */
    order: { type: 'string', default: 'random' },
    /** With --order person: this share of the faces goes first in random order, a backbone the rest link into. */
    backbone: { type: 'string', default: '0' },
    /** Synthetic sets: recall is also shown apart for queries whose person has at most this many faces. */
    'small-person': { type: 'string', default: '50' },
  },
});
if (!values.db && !values.synthetic) {
  console.error(
    'usage: node --import tsx bench/hnsw.ts (--db LIBRARY.db | --synthetic IDENTITIES --n N) [--n N] [--queries Q] [--m 8,16] [--efc 100,200] [--ef 32,64]',
  );
  process.exit(2);
}
let data: Float32Array[];
let what: string;
/** Synthetic sets: the number of faces of each face's identity. */
let identitySize: ((row: number) => number) | undefined;
if (values.synthetic) {
  // [Note: synthetic spread] identities with the same-person spread measured on celeba (bench/cluster.ts defaults).
  const n = Number(values.n ?? 100000);
  const set = syntheticFaces({
    identities: Number(values.synthetic),
    faces: n,
    ...HNSW_SYNTHETIC,
    shared: true, // the parallel build's workers read the vectors where they are
    noiseDecay: Number(values['noise-decay']),
    centreDecay: Number(values['centre-decay']),
  });
  // The set's rows are in random order already: a backbone is its first rows, left where they are.
  const backbone = values.order === 'person' ? Math.round(Number(values.backbone) * n) : 0;
  let rows = Array.from({ length: n }, (_, i) => i);
  if (values.order === 'person')
    rows = [
      ...rows.slice(0, backbone),
      ...rows.slice(backbone).sort((a, b) => set.labels[a]! - set.labels[b]! || a - b),
    ];
  else if (values.order !== 'random') throw new Error(`--order is random or person, not ${values.order}`);
  data = rows.map((i) => set.vectors.subarray(i * 512, (i + 1) * 512));
  const sizes = new Int32Array(Number(values.synthetic));
  for (const l of set.labels) sizes[l]!++;
  identitySize = (row) => sizes[set.labels[rows[row]!]!]!;
  what = `${n} synthetic face embeddings around ${values.synthetic} identities, added in ${values.order} order${backbone ? ` after a random backbone of ${backbone}` : ''} (noise decay ${values['noise-decay']}, centre decay ${values['centre-decay']})`;
} else {
  const db = openDb(values.db!, { readonly: true });
  const real = [...new FaceStore(db).embeddings(activeEmbedder(db).headId)].map((e) => e.vec);
  db.close();
  if (real.length < 20) throw new Error(`only ${real.length} embeddings in ${values.db}: import photos first`);
  const n = values.n ? Number(values.n) : real.length;
  data = n > real.length ? augment(real, n) : real.slice(0, n);
  what = `${real.length} real face embeddings${n > real.length ? `, grown to ${n} with noisy copies` : ''}`;
}
const rand = rng(3);
const queries = Array.from({ length: Math.min(Number(values.queries), data.length) }, () =>
  Math.floor(rand() * data.length),
);
const nums = (s: string) => s.split(',').map(Number);
const settings: HnswSetting[] = [];
const builds = values.builds
  ? values.builds.split(',').map((b) => b.split('/').map(Number) as [number, number])
  : nums(values.m!).flatMap((m) => nums(values.efc!).map((efc) => [m, efc] as [number, number]));
for (const shards of nums(values.shards!))
  for (const [m, efConstruction] of builds)
    for (const ef of nums(values.ef!)) settings.push({ m, efConstruction, ef, shards });
const t = performance.now();
const scored = exactTopKScored(data, queries, 10);
const truth = scored.map((r) => r.map((b) => b.i));
const scores = scored.map((r) => r.map((b) => b.s));
console.log(
  `${what}; ${queries.length} queries; exact search ${((performance.now() - t) / queries.length).toFixed(1)} ms/query`,
);
const matchCos = Number(values['match-cos']);
const allScores = scores.flat();
const matches = allScores.filter((s) => s >= matchCos).length;
console.log(
  `${matches} of the ${allScores.length} exact neighbours are at cosine >= ${matchCos} (match recall counts those)`,
);
console.log(hnswHead);
const rows = measure(data, settings, queries, truth, 10, (r) => console.log(hnswRow(r)), { scores, cos: matchCos });
if (identitySize) {
  // Which queries miss: a person's few other faces, or the order among the many faces of a person seen thousands
  // of times (their top 10 are near-ties)?
  const small = Number(values['small-person']);
  const isSmall = queries.map((q) => identitySize!(q) <= small);
  const recallOf = (r: (typeof rows)[number], smallPeople: boolean) => {
    const picked = r.queryHits.filter((_, i) => isSmall[i] === smallPeople);
    return (picked.reduce((a, b) => a + b, 0) / (10 * picked.length || 1)).toFixed(4);
  };
  console.log(
    `\nrecall@10 by the query's person: up to ${small} faces (${isSmall.filter(Boolean).length} queries) or more\n`,
  );
  console.log(
    `| shards | M | efC | ef | people <= ${small} faces | people > ${small} faces |\n|---|---|---|---|---|---|`,
  );
  for (const r of rows)
    console.log(
      `| ${r.shards} | ${r.m} | ${r.efConstruction} | ${r.ef} | ${recallOf(r, true)} | ${recallOf(r, false)} |`,
    );
}
