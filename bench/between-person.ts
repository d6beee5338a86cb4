// Bench (cli, dev only): how different people's faces sit apart, on the labelled sets and on synthetic twins of them
// (same faces and people, bench/hnsw.ts's spread), to tell whether the synthetic set is as hard to search as real
// faces ([Note: between-person spectrum]). Prints one table: per set, the cosine of two faces of different people
// (sd and tail, over sampled pairs), and per sampled query the cosine of its nearest other person's face, of its 10th
// neighbour, and the local intrinsic dimensionality at 20 neighbours (maximum-likelihood estimate; higher is harder
// for a graph search).
// usage: node --import tsx bench/between-person.ts [--sets lfw,celeba-wild] [--centre-decay 0,0.5,1,1.25]
//   [--noise-decay 0,0.75] [--libs DIR]
import { parseArgs } from 'node:util';
import { activeEmbedder } from '../src/engine/arcface/embedder.js';
import { syntheticFaces } from '../src/engine/cluster/synthetic.js';
import { rng } from '../src/engine/random.js';
import { FaceStore } from '../src/engine/store/faces.js';
import { dot } from '../src/engine/vectors.js';
import { HNSW_SYNTHETIC } from './hnsw-measure.js';
import { libsDir, openSet } from './truth-sets.js';

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'lfw,celeba-wild' },
    'centre-decay': { type: 'string', default: '0,0.5,1,1.25' },
    'noise-decay': { type: 'string', default: '0,0.75' },
    libs: { type: 'string' },
    pairs: { type: 'string', default: '200000' },
    queries: { type: 'string', default: '300' },
  },
});
const DIM = 512;
const K = 20;

interface Row {
  set: string;
  faces: number;
  people: number;
  sd: number;
  p99: number;
  p999: number;
  nearestOther: number;
  tenth: number;
  lid: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function measure(set: string, vecs: Float32Array[], labels: ArrayLike<number>): Row {
  const n = vecs.length;
  const rand = rng(9);
  const pick = () => Math.floor(rand() * n);
  const other: number[] = [];
  for (let t = 0; t < Number(values.pairs); t++) {
    const i = pick();
    const j = pick();
    if (labels[i] !== labels[j]) other.push(dot(vecs[i]!, vecs[j]!));
  }
  other.sort((a, b) => a - b);
  const mean = other.reduce((a, b) => a + b, 0) / other.length;
  const sd = Math.sqrt(other.reduce((a, b) => a + (b - mean) ** 2, 0) / other.length);
  const tail = (p: number) => other[Math.floor(p * (other.length - 1))]!;
  const nearestOther: number[] = [];
  const tenth: number[] = [];
  const lid: number[] = [];
  for (let t = 0; t < Number(values.queries); t++) {
    const q = pick();
    const all: { s: number; same: boolean }[] = [];
    for (let j = 0; j < n; j++) if (j !== q) all.push({ s: dot(vecs[q]!, vecs[j]!), same: labels[j] === labels[q] });
    all.sort((a, b) => b.s - a.s);
    nearestOther.push(all.find((x) => !x.same)!.s);
    tenth.push(all[9]!.s);
    // Levina-Bickel: -(K-1) / sum log(d_i / d_K) over the K nearest Euclidean distances of unit vectors
    const d = all.slice(0, K).map((x) => Math.sqrt(Math.max(1e-12, 2 - 2 * x.s)));
    let logs = 0;
    for (let i = 0; i < K - 1; i++) logs += Math.log(d[i]! / d[K - 1]!);
    lid.push(-(K - 1) / logs);
  }
  return {
    set,
    faces: n,
    people: new Set(Array.from(labels)).size,
    sd,
    p99: tail(0.99),
    p999: tail(0.999),
    nearestOther: median(nearestOther),
    tenth: median(tenth),
    lid: median(lid),
  };
}

const nums = (s: string) => s.split(',').filter(Boolean).map(Number);
const rows: Row[] = [];
for (const name of values.sets.split(',').filter(Boolean)) {
  const o = await openSet(name, libsDir(values.libs));
  const vecs: Float32Array[] = [];
  const who: string[] = [];
  for (const e of new FaceStore(o.db).embeddings(activeEmbedder(o.db).headId)) {
    const w = o.labelled.get(e.faceId);
    if (w === undefined) continue;
    vecs.push(e.vec);
    who.push(w);
  }
  o.db.close();
  const ids = new Map<string, number>();
  const labels = Int32Array.from(who, (w) => ids.get(w) ?? ids.set(w, ids.size).get(w)!);
  rows.push(measure(name, vecs, labels));
  for (const noiseDecay of nums(values['noise-decay']))
    for (const centreDecay of nums(values['centre-decay'])) {
      const s = syntheticFaces({
        identities: ids.size,
        faces: vecs.length,
        ...HNSW_SYNTHETIC,
        noiseDecay,
        centreDecay,
      });
      const sv = Array.from({ length: vecs.length }, (_, i) => s.vectors.subarray(i * DIM, (i + 1) * DIM));
      rows.push(measure(`synthetic twin, noise decay ${noiseDecay}, centre decay ${centreDecay}`, sv, s.labels));
    }
}
console.log(
  `${values.pairs} sampled pairs and ${values.queries} queries a set; cosines of faces of different people\n`,
);
console.log(
  '| set | faces | people | other-person cos sd | p99 | p99.9 | nearest other person (median) | 10th neighbour (median) | LID@20 (median) |\n|---|---|---|---|---|---|---|---|---|',
);
const f = (x: number) => x.toFixed(3);
for (const r of rows)
  console.log(
    `| ${r.set} | ${r.faces} | ${r.people} | ${f(r.sd)} | ${f(r.p99)} | ${f(r.p999)} | ${f(r.nearestOther)} | ${f(r.tenth)} | ${r.lid.toFixed(1)} |`,
  );
