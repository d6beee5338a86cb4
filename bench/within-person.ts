// Bench (cli, dev only): how same-person variation spreads over the embedding's dimensions, on the labelled sets and
// on the synthetic faces bench/hnsw.ts uses ([Note: within-person spectrum]), to tell how far the synthetic set is
// from real faces. Prints one table: per set, the people with 8+ labelled faces, their residuals (face minus the
// person's mean), the mean same-person cosine and the participation ratio (PR) of the residuals' covariance.
// usage: node --import tsx bench/within-person.ts [--sets celeba-wild,lfw,celebs24] [--decay 0,0.5,0.75,1] [--libs DIR]
import { parseArgs } from 'node:util';
import { activeEmbedder } from '../src/engine/arcface/embedder.js';
import { syntheticFaces } from '../src/engine/cluster/synthetic.js';
import { FaceStore } from '../src/engine/store/faces.js';
import { dot } from '../src/engine/vectors.js';
import { HNSW_SYNTHETIC } from './hnsw-measure.js';
import { libsDir, openSet } from './truth-sets.js';

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'celeba-wild,lfw,celebs24' },
    decay: { type: 'string', default: '0,0.5,0.75,1' },
    libs: { type: 'string' },
    /**
     * At most this many faces of one person; people are taken until this many residuals are reached (the last one
     * whole, so a few more; the PR of a sample depends on its size).
     */
    'per-person': { type: 'string', default: '12' },
    residuals: { type: 'string', default: '1100' },
  },
});
const DIM = 512;
const perPerson = Number(values['per-person']);
const cap = Number(values.residuals);

interface Row {
  set: string;
  people: number;
  residuals: number;
  sameCos: number;
  pr: number;
}

/** Residuals of people with 8+ faces (at most `perPerson` each, people taken until `cap`), their mean cosine and PR. */
function spectrum(set: string, people: Float32Array[][]): Row {
  const res: Float64Array[] = [];
  let sameSum = 0;
  let sameN = 0;
  let used = 0;
  for (const all of people) {
    if (all.length < 8 || res.length >= cap) continue;
    const vs = all.slice(0, perPerson);
    used++;
    const mean = new Float64Array(DIM);
    for (const v of vs) for (let j = 0; j < DIM; j++) mean[j]! += v[j]! / vs.length;
    for (const v of vs) res.push(Float64Array.from(v, (x, j) => x - mean[j]!));
    for (let a = 0; a < vs.length; a++)
      for (let b = a + 1; b < vs.length; b++) {
        sameSum += dot(vs[a]!, vs[b]!);
        sameN++;
      }
  }
  const cov = new Float64Array(DIM * DIM);
  for (const r of res)
    for (let i = 0; i < DIM; i++) {
      const ri = r[i]!;
      for (let j = i; j < DIM; j++) cov[i * DIM + j]! += ri * r[j]!;
    }
  let trace = 0;
  let squares = 0;
  for (let i = 0; i < DIM; i++)
    for (let j = i; j < DIM; j++) {
      const c = cov[i * DIM + j]!;
      if (i === j) trace += c;
      squares += (i === j ? 1 : 2) * c * c;
    }
  return { set, people: used, residuals: res.length, sameCos: sameSum / sameN, pr: (trace * trace) / squares };
}

const rows: Row[] = [];
for (const name of values.sets.split(',').filter(Boolean)) {
  const o = await openSet(name, libsDir(values.libs));
  const vec = new Map<number, Float32Array>();
  for (const e of new FaceStore(o.db).embeddings(activeEmbedder(o.db).headId)) vec.set(e.faceId, e.vec);
  const byPerson = new Map<string, Float32Array[]>();
  for (const [face, who] of o.labelled) {
    const v = vec.get(face);
    if (v) byPerson.set(who, [...(byPerson.get(who) ?? []), v]);
  }
  o.db.close();
  rows.push(spectrum(name, [...byPerson.values()]));
}
// The synthetic faces of bench/hnsw.ts --synthetic (same spread and seed), at a size where people have 8+ faces.
for (const decay of values.decay.split(',').map(Number)) {
  const s = syntheticFaces({
    identities: 3000,
    faces: 100000,
    ...HNSW_SYNTHETIC,
    noiseDecay: decay,
  });
  const byId = new Map<number, Float32Array[]>();
  for (let i = 0; i < s.labels.length; i++) {
    const l = s.labels[i]!;
    const list = byId.get(l) ?? [];
    if (list.length < perPerson) list.push(s.vectors.subarray(i * DIM, (i + 1) * DIM));
    byId.set(l, list);
  }
  // the tail of the identities (the largest ones would give the same few people every row)
  rows.push(spectrum(`synthetic, noise decay ${decay}`, [...byId.values()].reverse()));
}
console.log(`at most ${perPerson} faces a person; people taken until ${cap} residuals a set\n`);
console.log('| set | people 8+ | residuals | same-person cos | participation ratio |\n|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.set} | ${r.people} | ${r.residuals} | ${r.sameCos.toFixed(3)} | ${r.pr.toFixed(1)} |`);
